import { leadBatchOf, taskScript } from '../../protocol';
import { LeadRow } from '../features/reddit/components/lead-row';
import { GallerySection, StateCell, StateGrid } from './gallery-layout';

/** Two leads of the first batch of a fixed search, made by the same generator as the worker's. */
const [newLead, oldLead] = taskScript({
  id: 't_gallerysearch1',
  ownerId: 'alice',
  type: 'reddit_leads',
  createdAt: Date.UTC(2025, 0, 1, 12),
}).flatMap((entry) => leadBatchOf(entry.task) ?? []);

function OneRow({ fresh }: { fresh: boolean }) {
  const lead = fresh ? newLead : oldLead;
  if (!lead) return null;
  return (
    <table className="w-full text-sm">
      <caption className="sr-only">{fresh ? 'A lead that just arrived' : 'A stored lead'}</caption>
      <tbody>
        <LeadRow lead={lead} fresh={fresh} />
      </tbody>
    </table>
  );
}

export function LeadRowSection() {
  return (
    <GallerySection
      id="lead-row"
      title="Leads row"
      description="A Reddit lead: new rows flash once as their batch lands; stored rows do not."
    >
      <StateGrid variant="wide">
        <StateCell label="New (arrived live)" stateKey="new">
          <OneRow fresh />
        </StateCell>
        <StateCell label="Old (stored)" stateKey="old">
          <OneRow fresh={false} />
        </StateCell>
      </StateGrid>
    </GallerySection>
  );
}
