import { LayoutGrid } from 'lucide-react';
import { useEffect } from 'react';
import { PageHeader } from '../components/ui/page-header';
import {
  ActivityFeedSection,
  ConnectionIndicatorSection,
  PageHeaderSection,
  PipelineCardSection,
  ProgressBarSection,
  ProgressCardSection,
  StatusBadgeSection,
  TaskCardSection,
} from './component-sections';
import { LeadRowSection } from './lead-row-section';
import { PurchaseOrdersSection } from './purchase-orders-section';
import { RunBadgeSection } from './run-badge-section';
import { ScenarioPlayer } from './scenario-player';

/** The gallery's sections in sidebar order (ids are the anchors). */
export const gallerySections = [
  { id: 'progress-bar', title: 'Progress bar', Section: ProgressBarSection },
  { id: 'progress-card', title: 'Progress card (toast)', Section: ProgressCardSection },
  { id: 'connection-indicator', title: 'Connection indicator', Section: ConnectionIndicatorSection },
  { id: 'status-badge', title: 'Status badge', Section: StatusBadgeSection },
  { id: 'run-badge', title: 'Run badge', Section: RunBadgeSection },
  { id: 'activity-feed-row', title: 'Activity feed row', Section: ActivityFeedSection },
  { id: 'task-card', title: 'Task card', Section: TaskCardSection },
  { id: 'pipeline-card', title: 'Pipeline card', Section: PipelineCardSection },
  { id: 'purchase-orders', title: 'Purchase orders', Section: PurchaseOrdersSection },
  { id: 'page-header', title: 'Page headers', Section: PageHeaderSection },
  { id: 'lead-row', title: 'Leads row', Section: LeadRowSection },
  { id: 'scenario-player', title: 'Scenario player', Section: ScenarioPlayer },
] as const;

/** The demo gallery (a Storybook of this app): every progress component in every state, and a scenario player. */
export function DemoPage() {
  useEffect(() => {
    document.title = 'Demo gallery — taskstream';
  }, []);

  return (
    <div className="space-y-6">
      <PageHeader
        title="Demo gallery"
        icon={<LayoutGrid className="size-6 text-indigo-600" aria-hidden="true" />}
        description="Every progress component in every state, with tasks made from the task-type registry."
      />
      <div className="md:grid md:grid-cols-[11rem_minmax(0,1fr)] md:gap-8">
        <nav
          aria-label="Gallery"
          className="sticky top-[3.25rem] z-10 -mx-4 mb-4 border-b border-slate-200 bg-slate-50/95 px-4 py-2 backdrop-blur md:top-20 md:mx-0 md:mb-0 md:self-start md:border-0 md:bg-transparent md:p-0"
        >
          <ul className="flex gap-1 overflow-x-auto md:flex-col md:overflow-visible">
            {gallerySections.map((s) => (
              <li key={s.id} className="shrink-0">
                <a
                  href={`#${s.id}`}
                  className="block rounded-md px-3 py-1.5 text-sm whitespace-nowrap text-slate-600 hover:bg-slate-100 hover:text-slate-900"
                >
                  {s.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="min-w-0 space-y-10">
          {gallerySections.map(({ id, Section }) => (
            <Section key={id} />
          ))}
        </div>
      </div>
    </div>
  );
}
