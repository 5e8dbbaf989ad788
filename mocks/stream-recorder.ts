/**
 * Test support for the scenario suite: a real EventSource (the `eventsource` package) on an MSW
 * stream, every message validated with the protocol's `parseStreamEvent` and folded with
 * `applyEvent`: the protocol's stream reader and `applyTaskOp`, the very reducer the SPA's store
 * runs, so what `tasks` holds is what the store would show. Node only.
 */
import type { ErrorEvent } from 'eventsource';
import {
  applyEvent,
  applyTaskOp,
  isTaskEventName,
  parseStreamEvent,
  type StreamEvent,
  type StreamFold,
  streamEventNames,
  streamFoldOf,
  type Task,
  type TaskEventName,
  type TaskMap,
} from '../protocol';
import { NodeEventSource } from './node';

export type TaskStreamEvent = Extract<StreamEvent, { type: TaskEventName }>;

function isTaskEvent(event: StreamEvent): event is TaskStreamEvent {
  return isTaskEventName(event.type);
}

const mockOrigin = 'http://taskstream.test';

export interface Received {
  readonly event: StreamEvent;
  /** performance.now() at arrival. */
  readonly at: number;
  /** 1 for the first connection of this recorder, 2 after the first reconnect, … */
  readonly connection: number;
}

export class StreamRecorder {
  readonly received: Received[] = [];
  /** Messages the protocol rejected: must stay empty. */
  readonly invalid: { name: string; data: string }[] = [];
  readonly errors: { code: number | undefined; readyState: number; at: number }[] = [];
  private fold: StreamFold;
  lastEventId: string | null;
  lastFrameAt = performance.now();
  connection = 0;
  private source: NodeEventSource;

  /** Opens `path`; with `initial` (a list read) the fold starts from those tasks. */
  constructor(
    private readonly path: string,
    options: { initial?: readonly Task[]; lastEventId?: string | null } = {},
  ) {
    this.fold = streamFoldOf(applyTaskOp({}, { kind: 'load', tasks: options.initial ?? [] }));
    this.lastEventId = options.lastEventId ?? null;
    this.source = this.open(this.lastEventId);
  }

  /** The tasks as the SPA's store would hold them now. */
  get tasks(): TaskMap {
    return this.fold.tasks;
  }

  get readyState(): number {
    return this.source.readyState;
  }

  /** A manual reconnect (what the SPA does after its watchdog fires): close and reopen at `?lastEventId=`. */
  reconnect(): void {
    this.source.close();
    this.source = this.open(this.lastEventId);
  }

  close(): void {
    this.source.close();
  }

  names(connection?: number): string[] {
    return this.received
      .filter((r) => connection === undefined || r.connection === connection)
      .map((r) => r.event.type);
  }

  taskEvents(connection?: number): TaskStreamEvent[] {
    return this.received
      .filter((r) => connection === undefined || r.connection === connection)
      .map((r) => r.event)
      .filter(isTaskEvent);
  }

  /** Resolves once `predicate` holds; rejects after `timeoutMs`. */
  async until(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!predicate()) {
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private open(lastEventId: string | null): NodeEventSource {
    const query = lastEventId ? `${this.path.includes('?') ? '&' : '?'}lastEventId=${lastEventId}` : '';
    const source = new NodeEventSource(`${mockOrigin}${this.path}${query}`);
    source.addEventListener('open', () => {
      this.connection++;
      this.lastFrameAt = performance.now();
    });
    source.addEventListener('error', (e: ErrorEvent) => {
      this.errors.push({ code: e.code, readyState: source.readyState, at: performance.now() });
    });
    for (const name of streamEventNames) {
      source.addEventListener(name, (e: MessageEvent<string>) => this.onMessage(name, e));
    }
    return source;
  }

  private onMessage(name: string, e: MessageEvent<string>): void {
    this.lastFrameAt = performance.now();
    const event = parseStreamEvent(name, e.data, e.lastEventId || undefined);
    if (!event) {
      this.invalid.push({ name, data: e.data });
      return;
    }
    this.received.push({ event, at: performance.now(), connection: this.connection });
    this.fold = applyEvent(this.fold, event);
    if (isTaskEventName(event.type) && event.id) this.lastEventId = event.id;
  }
}

/** Per task, the versions its task events carried, in arrival order. */
export function versionsByTask(recorder: StreamRecorder): Map<string, number[]> {
  const byTask = new Map<string, number[]>();
  for (const e of recorder.taskEvents()) {
    const list = byTask.get(e.data.task.id) ?? [];
    list.push(e.data.task.version);
    byTask.set(e.data.task.id, list);
  }
  return byTask;
}

/** Fetches a path of the mock origin (MSW answers it). */
export function api(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.body !== undefined && !headers.has('content-type'))
    headers.set('content-type', 'application/json');
  return fetch(`${mockOrigin}${path}`, { ...init, headers });
}
