import { isTerminal, parseStreamEvent, type Task, taskEventNames } from '../../../protocol';
import type { EventSourceLike } from '../../stream/stream-client';

const CLOSED = 2;

export interface RunStreamHandlers {
  /** A version of the run, from a task event or the stream's opening snapshot. */
  onTask(task: Task): void;
  /** `live`: events flow; `down`: the stream is retrying or refused, so the page polls instead. */
  onState(state: 'live' | 'down'): void;
}

type RunEventSourceFactory = (url: string) => EventSourceLike;

const browserEventSource: RunEventSourceFactory = (url) => new EventSource(url, { withCredentials: true });

/**
 * Follows one run over the contract's per-task stream, `GET /api/tasks/:id/events`, and closes it
 * on the run's terminal event (the server ends the response there too; an EventSource left open
 * would reconnect and get the 204). Returns the close function for the page's unmount.
 */
export function openRunStream(
  id: string,
  handlers: RunStreamHandlers,
  createEventSource: RunEventSourceFactory = browserEventSource,
): () => void {
  const source = createEventSource(`/api/tasks/${encodeURIComponent(id)}/events`);
  let closed = false;
  const close = () => {
    closed = true;
    source.close();
  };
  const take = (task: Task) => {
    if (closed || task.id !== id) return;
    handlers.onTask(task);
    if (isTerminal(task.status)) close();
  };
  for (const name of taskEventNames) {
    source.addEventListener(name, (e) => {
      const event = parseStreamEvent(name, e.data, e.lastEventId || undefined);
      if (event?.type === name) take(event.data.task);
    });
  }
  source.addEventListener('snapshot', (e) => {
    const event = parseStreamEvent('snapshot', e.data);
    if (event?.type === 'snapshot') for (const task of event.data.tasks) take(task);
  });
  source.onopen = () => {
    if (!closed) handlers.onState('live');
  };
  source.onerror = () => {
    // CONNECTING: the browser retries by itself; CLOSED: it gave up (401, 429, 503). Either way the
    // page polls until events flow again, and a refused stream is not reopened from here.
    if (!closed) handlers.onState('down');
    if (source.readyState === CLOSED) closed = true;
  };
  return close;
}
