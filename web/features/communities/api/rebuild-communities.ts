import { useMutation } from '@tanstack/react-query';
import type { Task, TaskParams } from '../../../../protocol';
import { startTask } from '../../tasks/api/start-task';

/** Starts a `rebuild_communities` task; its progress arrives over the stream. */
function rebuildCommunities(params?: TaskParams): Promise<Task> {
  return startTask({ type: 'rebuild_communities', params });
}

export function useRebuildCommunities() {
  return useMutation({ mutationFn: (params?: TaskParams) => rebuildCommunities(params) });
}
