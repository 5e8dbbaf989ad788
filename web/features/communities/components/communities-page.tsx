import { Network } from 'lucide-react';
import { useEffect } from 'react';
import { Button } from '../../../components/ui/button';
import { useHasActiveTask, useLatestTaskId, useTask } from '../../tasks/use-task';
import { useRebuildCommunities } from '../api/rebuild-communities';
import { CommunitiesTable } from './communities-table';
import { RebuildTaskCard } from './rebuild-task-card';

/** Seed 003: the communities table and "Rebuild communities" with live progress. */
export function CommunitiesPage() {
  const rebuild = useRebuildCommunities();
  const latestId = useLatestTaskId('rebuild_communities');
  const task = useTask(latestId);
  const running = useHasActiveTask('rebuild_communities');

  useEffect(() => {
    document.title = 'Communities — taskstream';
  }, []);

  const start = () => rebuild.mutate(undefined);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="flex items-center gap-2 text-2xl font-semibold">
            <Network className="size-6 text-violet-600" aria-hidden="true" />
            Communities
          </h1>
          <p className="text-sm text-slate-500">
            Groups of related entities in your knowledge graph. Rebuilding detects them again.
          </p>
        </div>
        <Button onClick={start} disabled={running || rebuild.isPending}>
          {running ? 'Rebuilding…' : rebuild.isPending ? 'Starting…' : 'Rebuild communities'}
        </Button>
      </div>
      {rebuild.error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          Could not start the rebuild: {rebuild.error.message}
        </p>
      )}
      {task && <RebuildTaskCard task={task} onRetry={start} retrying={rebuild.isPending} />}
      <CommunitiesTable />
    </div>
  );
}
