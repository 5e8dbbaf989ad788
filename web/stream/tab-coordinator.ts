import { z } from 'zod';
import type { TaskOp } from '../../protocol';
import { taskSchema } from '../../protocol';
import type { ConnectionState } from '../stores/connection-store';

/** The part of `navigator.locks` used here (a fake implements it in tests). */
export interface LockManagerLike {
  request(
    name: string,
    options: { signal?: AbortSignal },
    callback: (lock: unknown) => Promise<unknown>,
  ): Promise<unknown>;
}

/** The part of `BroadcastChannel` used here. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent) => void) | null;
  close(): void;
}

/** Bumped when the messages change, so that tabs of two app versions ignore each other. */
const RELAY_VERSION = 1;

const connectionStateSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('connecting') }),
  z.object({ status: z.literal('live'), since: z.number() }),
  z.object({ status: z.literal('reconnecting'), attempt: z.number(), nextAt: z.number() }),
  z.object({
    status: z.literal('polling'),
    intervalMs: z.number(),
    attempt: z.number(),
    nextAt: z.number(),
  }),
  z.object({ status: z.literal('offline') }),
  z.object({ status: z.literal('signed-out') }),
]) satisfies z.ZodType<ConnectionState>;

const taskOpSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('tasks'), tasks: z.array(taskSchema).readonly() }),
  z.object({ kind: z.literal('snapshot'), tasks: z.array(taskSchema).readonly(), replace: z.boolean() }),
  z.object({ kind: z.literal('load'), tasks: z.array(taskSchema).readonly() }),
  z.object({ kind: z.literal('clear') }),
]) satisfies z.ZodType<TaskOp>;

const relayMessageSchema = z.discriminatedUnion('type', [
  /** Leader → followers: the ops of one flushed batch. */
  z.object({ type: z.literal('ops'), ops: z.array(taskOpSchema), resumeId: z.string().nullable() }),
  /** Leader → followers: the connection state changed. */
  z.object({ type: z.literal('state'), connection: connectionStateSchema, resumeId: z.string().nullable() }),
  z.object({ type: z.literal('heartbeat'), at: z.number() }),
  /** Follower → leader: send me everything. */
  z.object({ type: z.literal('hello') }),
  /** Leader → followers: the whole state, after a hello or on taking over. */
  z.object({
    type: z.literal('sync'),
    tasks: z.array(taskSchema),
    connection: connectionStateSchema,
    resumeId: z.string().nullable(),
    lastHeartbeatAt: z.number().nullable(),
    userId: z.string().nullable(),
  }),
  /** Follower → leader: this tab became visible or online; reconnect now if the stream is stale. */
  z.object({ type: z.literal('nudge') }),
  /** Any tab → all: the session changed here (the cookie is shared, so it changed everywhere). */
  z.object({ type: z.literal('session'), status: z.enum(['signed-in', 'signed-out']) }),
]);

export type RelayMessage = z.infer<typeof relayMessageSchema>;

export type TabRole = 'leader' | 'follower' | 'standalone';

export interface TabCoordinatorOptions {
  /** `navigator.locks`; missing → every tab streams on its own. */
  locks: LockManagerLike | undefined;
  /** Makes the channel; missing → every tab streams on its own. */
  createChannel: (() => ChannelLike) | undefined;
  lockName?: string;
  onRole: (role: TabRole) => void;
  onMessage: (message: RelayMessage) => void;
}

/**
 * One stream per browser: the tab holding the Web Lock is the leader and owns the EventSource;
 * the others follow over a BroadcastChannel. When the leader closes, its lock is released and the
 * longest-waiting follower is granted it at once. Without Web Locks or BroadcastChannel every tab
 * is standalone (one stream per tab).
 */
export class TabCoordinator {
  private channel: ChannelLike | null = null;
  private abort: AbortController | null = null;
  private releaseLock: (() => void) | null = null;
  private currentRole: TabRole | null = null;

  constructor(private readonly options: TabCoordinatorOptions) {}

  get role(): TabRole | null {
    return this.currentRole;
  }

  start(): void {
    if (this.currentRole) return;
    const { locks, createChannel } = this.options;
    if (!locks || !createChannel) {
      this.setRole('standalone');
      return;
    }
    this.channel = createChannel();
    this.channel.onmessage = (event: MessageEvent) => this.receive(event.data);
    this.setRole('follower');
    this.abort = new AbortController();
    locks
      .request(this.options.lockName ?? 'taskstream:stream-leader', { signal: this.abort.signal }, () => {
        if (!this.channel) return Promise.resolve();
        this.setRole('leader');
        return new Promise<void>((resolve) => {
          this.releaseLock = resolve;
        });
      })
      .catch(() => {
        // Aborted on stop: nothing to do.
      });
  }

  /** Gives up the lead (or the wait for it) and leaves the channel. */
  stop(): void {
    this.abort?.abort();
    this.abort = null;
    this.releaseLock?.();
    this.releaseLock = null;
    this.channel?.close();
    this.channel = null;
    this.currentRole = null;
  }

  post(message: RelayMessage): void {
    this.channel?.postMessage({ v: RELAY_VERSION, ...message });
  }

  private receive(data: unknown): void {
    if (typeof data !== 'object' || data === null || (data as { v?: unknown }).v !== RELAY_VERSION) return;
    const parsed = relayMessageSchema.safeParse(data);
    if (parsed.success) this.options.onMessage(parsed.data);
  }

  private setRole(role: TabRole): void {
    this.currentRole = role;
    this.options.onRole(role);
  }
}
