import { useMutation } from '@tanstack/react-query';
import { type Task, type TaskParams, type TaskType, taskResponseSchema } from '../../../../protocol';
import { apiRequest } from '../../../lib/api-client';
import { mergeTasks } from '../../../stores/task-store';

export interface StartTaskInput {
  type: TaskType;
  params?: TaskParams;
}

/** `POST /api/tasks`: the new task goes into the store at once, before its first event. */
export async function startTask({ type, params }: StartTaskInput): Promise<Task> {
  const { task } = await apiRequest('/api/tasks', taskResponseSchema, {
    method: 'POST',
    body: params ? { type, params } : { type },
  });
  mergeTasks([task]);
  return task;
}

export function useStartTask() {
  return useMutation({ mutationFn: startTask });
}
