import type { TaskOp, User } from '../../protocol';
import {
  getConnectionState,
  markHeartbeat,
  setConnectionState,
  setFollower,
  useConnectionStore,
} from '../stores/connection-store';
import { getSession, setSignedOut, useSessionStore } from '../stores/session-store';
import { activeTaskIds, applyTaskOps, getTasks } from '../stores/task-store';
import { OpBatcher, type Schedule } from './op-batcher';
import { StreamClient, type StreamClientOptions } from './stream-client';
import {
  type ChannelLike,
  type LockManagerLike,
  type RelayMessage,
  TabCoordinator,
  type TabRole,
} from './tab-coordinator';

type ClientSettings = Omit<
  StreamClientOptions,
  'onOp' | 'onState' | 'onHeartbeat' | 'onEventId' | 'onSignedOut' | 'activeTaskIds'
>;

export interface StreamRuntimeOptions {
  /** StreamClient settings (EventSource factory, timings); see StreamClientOptions. */
  client?: ClientSettings;
  /** `navigator.locks`; `null` turns leader election off (one stream per tab). */
  locks?: LockManagerLike | null;
  /** BroadcastChannel factory; `null` turns leader election off. */
  createChannel?: (() => ChannelLike) | null;
  schedule?: Schedule;
  /** Window-like target for `online`/`offline`; document-like for `visibilitychange`. */
  windowTarget?: EventTarget | null;
  documentTarget?: (EventTarget & { hidden: boolean }) | null;
  /** Asks the server who is signed in, after another tab says the session changed. */
  refreshSession?: () => Promise<void>;
}

function browserLocks(): LockManagerLike | undefined {
  if (typeof navigator === 'undefined') return undefined;
  const locks = (navigator as Navigator & { locks?: LockManagerLike }).locks;
  return locks && typeof locks.request === 'function' ? locks : undefined;
}

function browserChannel(): (() => ChannelLike) | undefined {
  if (typeof BroadcastChannel === 'undefined') return undefined;
  return () => new BroadcastChannel('taskstream:stream') as unknown as ChannelLike;
}

/**
 * Glue outside React: session → stream client (in the leader tab) → batched ops → task store,
 * relayed to follower tabs; connection state and heartbeats to the connection store.
 */
export class StreamRuntime {
  readonly client: StreamClient;
  private readonly batcher: OpBatcher;
  private readonly coordinator: TabCoordinator;
  private role: TabRole | null = null;
  private resumeId: string | null = null;
  private resumeUserId: string | null = null;
  private streamingFor: string | null = null;
  /** The user a follower last asked the leader's state for. */
  private syncedFor: string | null = null;
  private readonly cleanups: Array<() => void> = [];
  private started = false;

  constructor(private readonly options: StreamRuntimeOptions = {}) {
    this.batcher = new OpBatcher((ops) => this.flush(ops), options.schedule);
    this.client = new StreamClient({
      isOnline: () => (typeof navigator === 'undefined' ? true : navigator.onLine !== false),
      // A task the contract rejects is skipped; say which, so that the mismatch gets fixed.
      onRejectedTasks: (rejected) =>
        console.warn('[taskstream] tasks skipped: the contract rejects them', rejected),
      ...options.client,
      activeTaskIds,
      onOp: (op) => this.batcher.push(op),
      onState: (connection) => {
        setConnectionState(connection);
        this.post({ type: 'state', connection, resumeId: this.client.resumeId });
      },
      onHeartbeat: (at) => {
        markHeartbeat(at);
        this.post({ type: 'heartbeat', at });
      },
      onEventId: (id) => {
        this.resumeId = id;
      },
      onSignedOut: (reason) => {
        setSignedOut(reason);
        this.post({ type: 'session', status: 'signed-out' });
      },
    });
    this.coordinator = new TabCoordinator({
      locks: options.locks === null ? undefined : (options.locks ?? browserLocks()),
      createChannel: options.createChannel === null ? undefined : (options.createChannel ?? browserChannel()),
      onRole: (role) => this.setRole(role),
      onMessage: (message) => this.receive(message),
    });
  }

  get tabRole(): TabRole | null {
    return this.role;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.cleanups.push(useSessionStore.subscribe(() => this.syncWithSession()));
    this.attachBrowserSignals();
    this.coordinator.start();
    this.syncWithSession();
  }

  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.client.stop();
    this.streamingFor = null;
    this.batcher.flush();
    this.batcher.dispose();
    this.coordinator.stop();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.role = null;
  }

  /** Tells the other tabs that this tab signed in or out (the cookie they share changed). */
  announceSession(status: 'signed-in' | 'signed-out'): void {
    this.post({ type: 'session', status });
  }

  /** Applies what is queued now (tests; before the tab hands over). */
  flushNow(): void {
    this.batcher.flush();
  }

  private setRole(role: TabRole): void {
    const previous = this.role;
    this.role = role;
    setFollower(role === 'follower');
    if (role === 'follower') {
      this.post({ type: 'hello' });
      return;
    }
    if (previous === 'follower') this.resumeUserId = this.userId();
    this.syncWithSession();
    if (role === 'leader') this.postSync();
  }

  private userId(): string | null {
    const session = getSession();
    return session.status === 'signed-in' ? session.user.id : null;
  }

  /** Starts or stops the stream to match the session, in a tab that streams. */
  private syncWithSession(): void {
    const session = getSession();
    if (session.status === 'signed-out') {
      if (this.streamingFor !== null || getConnectionState().status !== 'signed-out') {
        this.client.stop();
        this.rememberResume();
        this.streamingFor = null;
        setConnectionState({ status: 'signed-out' });
      }
      if (session.reason !== 'expired') {
        // Signed out on purpose: nothing of this user stays, and the next sign-in starts afresh.
        this.resumeId = null;
        this.resumeUserId = null;
        this.batcher.push({ kind: 'clear' });
      }
      return;
    }
    if (session.status !== 'signed-in') return;
    if (this.role === 'follower') {
      // Signed in here after the leader's first sync: ask again for the state of this user.
      if (this.syncedFor !== session.user.id) this.post({ type: 'hello' });
      this.syncedFor = session.user.id;
      return;
    }
    if (this.role !== 'leader' && this.role !== 'standalone') return;
    if (this.streamingFor === session.user.id) return;
    if (this.streamingFor !== null) this.client.stop();
    this.startClient(session.user);
  }

  private startClient(user: User): void {
    this.rememberResume();
    const sameUser = this.resumeUserId === user.id;
    const resumeFrom = sameUser ? this.resumeId : null;
    // Another user's tasks must never show; after an expired session the same user's tasks stay
    // and the stream resumes from the last id, so nothing in between is missed.
    if (!sameUser) this.batcher.push({ kind: 'clear' });
    this.streamingFor = user.id;
    this.resumeUserId = user.id;
    this.client.start({ resumeFrom });
  }

  private rememberResume(): void {
    const id = this.client.resumeId;
    if (id && this.streamingFor) {
      this.resumeId = id;
      this.resumeUserId = this.streamingFor;
    }
  }

  private flush(ops: TaskOp[]): void {
    applyTaskOps(ops);
    if (this.role === 'leader') this.post({ type: 'ops', ops, resumeId: this.client.resumeId });
  }

  private postSync(): void {
    const { connection, lastHeartbeatAt } = useConnectionStore.getState();
    this.post({
      type: 'sync',
      tasks: Object.values(getTasks()),
      connection,
      resumeId: this.client.resumeId ?? this.resumeId,
      lastHeartbeatAt,
      userId: this.userId(),
    });
  }

  private post(message: RelayMessage): void {
    if (this.role === 'leader') this.coordinator.post(message);
    else if (message.type === 'session' || message.type === 'hello' || message.type === 'nudge') {
      this.coordinator.post(message);
    }
  }

  private receive(message: RelayMessage): void {
    switch (message.type) {
      case 'hello':
        if (this.role === 'leader') this.postSync();
        return;
      case 'nudge':
        if (this.role === 'leader') this.client.handleVisible();
        return;
      case 'session':
        void this.options.refreshSession?.();
        return;
      case 'ops':
      case 'state':
      case 'heartbeat':
      case 'sync':
        if (this.role !== 'follower') return;
        this.follow(message);
        return;
    }
  }

  private follow(message: Extract<RelayMessage, { type: 'ops' | 'state' | 'heartbeat' | 'sync' }>): void {
    switch (message.type) {
      case 'ops':
        for (const op of message.ops) this.batcher.push(op);
        this.noteResume(message.resumeId);
        return;
      case 'state':
        setConnectionState(message.connection);
        this.noteResume(message.resumeId);
        return;
      case 'heartbeat':
        markHeartbeat(message.at);
        return;
      case 'sync': {
        // Another user's state never shows; an unknown session (still loading) takes it.
        const me = this.userId();
        if (message.userId && me && message.userId !== me) return;
        this.batcher.push({ kind: 'load', tasks: message.tasks });
        setConnectionState(message.connection);
        if (message.lastHeartbeatAt !== null) markHeartbeat(message.lastHeartbeatAt);
        this.noteResume(message.resumeId);
        return;
      }
    }
  }

  private noteResume(id: string | null): void {
    if (!id) return;
    this.resumeId = id;
    this.resumeUserId = this.userId();
  }

  private attachBrowserSignals(): void {
    const win = this.options.windowTarget === undefined ? globalThis.window : this.options.windowTarget;
    const doc = this.options.documentTarget === undefined ? globalThis.document : this.options.documentTarget;
    const online = () =>
      this.role === 'follower' ? this.post({ type: 'nudge' }) : this.client.handleOnline();
    const offline = () => {
      if (this.role !== 'follower') this.client.handleOffline();
    };
    const visible = () => {
      if (doc?.hidden) return;
      if (this.role === 'follower') this.post({ type: 'nudge' });
      else this.client.handleVisible();
    };
    if (win) {
      win.addEventListener('online', online);
      win.addEventListener('offline', offline);
      this.cleanups.push(() => {
        win.removeEventListener('online', online);
        win.removeEventListener('offline', offline);
      });
    }
    if (doc) {
      doc.addEventListener('visibilitychange', visible);
      this.cleanups.push(() => doc.removeEventListener('visibilitychange', visible));
    }
  }
}

let runtime: StreamRuntime | null = null;

/** Starts the app's one runtime (idempotent: StrictMode and HMR never make a second stream). */
export function startStreamRuntime(options?: StreamRuntimeOptions): StreamRuntime {
  runtime ??= new StreamRuntime(options);
  runtime.start();
  return runtime;
}

export function getStreamRuntime(): StreamRuntime | null {
  return runtime;
}

export function stopStreamRuntime(): void {
  runtime?.stop();
  runtime = null;
}
