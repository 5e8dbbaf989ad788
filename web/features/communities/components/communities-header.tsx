import { Network } from 'lucide-react';
import { Button } from '../../../components/ui/button';
import { PageHeader } from '../../../components/ui/page-header';

export interface CommunitiesHeaderProps {
  /** A rebuild is pending or running. */
  running: boolean;
  /** `POST /api/tasks` is on its way. */
  starting: boolean;
  /** Why the last rebuild could not start. */
  error?: Error | null;
  onRebuild: () => void;
  /** See `PageHeader`. */
  headingLevel?: 'h1' | 'h2' | 'h3';
}

/** The Communities page's header and its "Rebuild communities" action, in each of its states. */
export function CommunitiesHeader({
  running,
  starting,
  error,
  onRebuild,
  headingLevel = 'h1',
}: CommunitiesHeaderProps) {
  return (
    <PageHeader
      title="Communities"
      as={headingLevel}
      icon={<Network className="size-6 text-violet-600" aria-hidden="true" />}
      description="Groups of related entities in your knowledge graph. Rebuilding detects them again."
      actions={
        <Button onClick={onRebuild} disabled={running || starting}>
          {running ? 'Rebuilding…' : starting ? 'Starting…' : 'Rebuild communities'}
        </Button>
      }
    >
      {error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          Could not start the rebuild: {error.message}
        </p>
      )}
    </PageHeader>
  );
}
