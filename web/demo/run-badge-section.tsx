import { runStatuses } from '../../protocol';
import { RunStatusBadge } from '../features/runs/components/run-status-badge';
import { GallerySection, StateCell, StateGrid } from './gallery-layout';

/** Seed 001's run badge in every status a run can show. */
export function RunBadgeSection() {
  return (
    <GallerySection
      id="run-badge"
      title="Run badge"
      description="A test or job run's status, with its icon: from the task's status and, at the end, its outcome."
    >
      <StateGrid>
        {runStatuses.map((status) => (
          <StateCell key={status} label={status} stateKey={status}>
            <RunStatusBadge status={status} />
          </StateCell>
        ))}
      </StateGrid>
    </GallerySection>
  );
}
