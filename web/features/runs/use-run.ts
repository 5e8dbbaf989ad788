import { useEffect, useState } from 'react';
import type { Task } from '../../../protocol';
import { getTasks, mergeTasks } from '../../stores/task-store';
import { useTask } from '../tasks/use-task';
import { useRunQuery } from './api/get-run';
import { openRunStream } from './run-stream';

export interface RunView {
  task: Task | undefined;
  /** The run's own stream: `live`, `down` (the page polls), or `connecting`/`closed`. */
  stream: 'connecting' | 'live' | 'down' | 'closed';
  error: Error | null;
}

/** The newest version among those seen: every source of a task agrees by `version`. */
function newest(...tasks: (Task | undefined)[]): Task | undefined {
  let best: Task | undefined;
  for (const t of tasks) if (t && (!best || t.version > best.version)) best = t;
  return best;
}

/**
 * One run for its detail page: `GET /api/tasks/:id` for the state now (a finished run shows its end
 * at once), then the run's own stream until its terminal event, and the shared store (fed by the
 * app's stream) — whichever holds the newest version wins. Stream versions also go into the store
 * when the store already follows the run, so the one reducer ignores the duplicate that the app's
 * stream brings and the terminal toast fires once; a run the store does not hold (finished long
 * ago) is never put there, so opening it never toasts.
 */
export function useRun(id: string): RunView {
  const [streamed, setStreamed] = useState<Task | undefined>(undefined);
  const [stream, setStream] = useState<RunView['stream']>('connecting');
  const query = useRunQuery(id, stream === 'down');
  const stored = useTask(id);

  useEffect(() => {
    setStreamed(undefined);
    setStream('connecting');
    const close = openRunStream(id, {
      onTask(task) {
        setStreamed((known) => newest(known, task));
        if (getTasks()[id]) mergeTasks([task]);
      },
      onState: setStream,
    });
    return () => {
      close();
      setStream('closed');
    };
  }, [id]);

  return { task: newest(query.data, streamed, stored), stream, error: query.error };
}
