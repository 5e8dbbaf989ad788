import { useMemo } from 'react';
import { type RunsQuery, selectRuns, type Task } from '../../../protocol';
import { useTaskStore } from '../../stores/task-store';
import { useRuns } from './api/get-runs';

/**
 * The runs a filter selects: the server's list (`GET /api/runs`, refetched when a run finishes)
 * joined with the live store, so a run started a moment ago is on the list at once and every row
 * moves with its events. The newest version of each run wins; the order and filter are protocol's.
 */
export function useRunList(query: RunsQuery) {
  const listed = useRuns(query);
  const byId = useTaskStore((s) => s.byId);
  const runs = useMemo(() => {
    const merged = new Map<string, Task>();
    for (const task of listed.data?.runs ?? []) merged.set(task.id, task);
    for (const task of Object.values(byId)) {
      const known = merged.get(task.id);
      if (!known || task.version > known.version) merged.set(task.id, task);
    }
    return selectRuns([...merged.values()], query);
  }, [listed.data, byId, query]);
  return { runs, isLoading: listed.isLoading, error: listed.error, refetch: listed.refetch };
}
