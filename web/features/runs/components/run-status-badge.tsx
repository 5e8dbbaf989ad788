import { Ban, CircleCheck, CircleX, Clock, LoaderCircle, type LucideIcon, TriangleAlert } from 'lucide-react';
import type { RunStatus } from '../../../../protocol';
import { Badge, type BadgeTone } from '../../../components/ui/badge';

interface RunStatusLook {
  label: string;
  tone: BadgeTone;
  icon: LucideIcon;
}

/** Every run status has a look; a status without one does not compile. */
export const runStatusLooks: Record<RunStatus, RunStatusLook> = {
  waiting: { label: 'Waiting', tone: 'neutral', icon: Clock },
  running: { label: 'Running', tone: 'info', icon: LoaderCircle },
  passed: { label: 'Passed', tone: 'success', icon: CircleCheck },
  failed: { label: 'Failed', tone: 'danger', icon: CircleX },
  error: { label: 'Error', tone: 'warning', icon: TriangleAlert },
  cancelled: { label: 'Cancelled', tone: 'neutral', icon: Ban },
};

/** A run's status as a badge with its icon; the label is the text, so colour is never the only cue. */
export function RunStatusBadge({ status }: { status: RunStatus }) {
  const { label, tone, icon: Icon } = runStatusLooks[status];
  return (
    <Badge tone={tone}>
      <Icon
        className={`size-3.5 ${status === 'running' ? 'motion-safe:animate-spin' : ''}`}
        aria-hidden="true"
      />
      {label}
    </Badge>
  );
}
