import { useEffect } from 'react';
import { useHasActiveTask, useLatestTaskId, useTask } from '../../tasks/use-task';
import { useRebuildCommunities } from '../api/rebuild-communities';
import { CommunitiesHeader } from './communities-header';
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
      <CommunitiesHeader
        running={running}
        starting={rebuild.isPending}
        error={rebuild.error}
        onRebuild={start}
      />
      {task && <RebuildTaskCard task={task} onRetry={start} retrying={rebuild.isPending} />}
      <CommunitiesTable />
    </div>
  );
}
