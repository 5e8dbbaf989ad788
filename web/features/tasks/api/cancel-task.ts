import { useMutation } from '@tanstack/react-query';
import { type Task, taskResponseSchema } from '../../../../protocol';
import { apiRequest } from '../../../lib/api-client';
import { mergeTasks } from '../../../stores/task-store';

/** `POST /api/tasks/:id/cancel`: the worker stops at its next step. */
async function cancelTask(id: string): Promise<Task> {
  const { task } = await apiRequest(`/api/tasks/${encodeURIComponent(id)}/cancel`, taskResponseSchema, {
    method: 'POST',
  });
  mergeTasks([task]);
  return task;
}

export function useCancelTask() {
  return useMutation({ mutationFn: cancelTask });
}
