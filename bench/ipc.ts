import { type ChildProcess, fork } from 'node:child_process';
import { track } from './children';

/**
 * A tiny request/response protocol over the Node IPC channel between `bench/run.ts` and the
 * processes it forks (load client, worker). An API is a map of command → { args, result }.
 */
export type Api = Record<string, { args: unknown; result: unknown }>;

interface RpcRequest {
  rpc: number;
  cmd: string;
  args: unknown;
}

interface RpcReply {
  rpc: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

function isReply(msg: unknown): msg is RpcReply {
  return typeof msg === 'object' && msg !== null && typeof (msg as { rpc?: unknown }).rpc === 'number';
}

export type Handlers<A extends Api> = {
  [K in keyof A]: (args: A[K]['args']) => Promise<A[K]['result']> | A[K]['result'];
};

/** Child side: answers requests from the parent; exits when the parent goes away. */
export function serveRpc<A extends Api>(handlers: Handlers<A>): void {
  process.on('message', (msg: unknown) => {
    if (typeof msg !== 'object' || msg === null) return;
    const { rpc, cmd, args } = msg as RpcRequest;
    const handler = handlers[cmd as keyof A];
    const reply = (r: RpcReply) => process.send?.(r);
    if (!handler) {
      reply({ rpc, ok: false, error: `unknown command ${cmd}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(args as A[keyof A]['args']))
      .then(
        (result) => reply({ rpc, ok: true, result }),
        (err: unknown) => reply({ rpc, ok: false, error: err instanceof Error ? err.stack : String(err) }),
      );
  });
  process.on('disconnect', () => process.exit(0));
}

/** Parent side: a forked TypeScript child (run through tsx) and typed calls into it. */
export class RpcChild<A extends Api> {
  private next = 1;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    child.on('message', (msg: unknown) => {
      if (!isReply(msg)) return;
      const w = this.waiting.get(msg.rpc);
      if (!w) return;
      this.waiting.delete(msg.rpc);
      if (msg.ok) w.resolve(msg.result);
      else w.reject(new Error(msg.error));
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code) => {
        for (const w of this.waiting.values()) w.reject(new Error(`child exited (${code}) during a call`));
        this.waiting.clear();
        resolve(code);
      });
    });
  }

  static fork<A extends Api>(file: string, execArgv: string[] = []): RpcChild<A> {
    const child = track(
      fork(file, [], {
        execArgv: ['--import', 'tsx', ...execArgv],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    return new RpcChild<A>(child);
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('child has no pid');
    return this.child.pid;
  }

  call<K extends keyof A & string>(cmd: K, args: A[K]['args']): Promise<A[K]['result']> {
    const rpc = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(rpc, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ rpc, cmd, args } satisfies RpcRequest);
    });
  }

  /** Disconnects (the child exits on that); kills it by PID if it lingers. */
  async stop(timeoutMs = 5000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }
}
