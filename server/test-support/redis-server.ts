import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';

/** True when Debian's redis-server is installed (CI installs it; a laptop may not have it). */
export const hasRedisServer = (() => {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

if (!hasRedisServer) {
  process.stderr.write(
    '\n*** redis-server is not installed: the real-Redis half of the server tests is SKIPPED ***\n\n',
  );
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A cluster node also listens on its port + 10,000 (the cluster bus), so its port must be at most this. */
const MAX_CLUSTER_PORT = 65535 - 10_000;

/** Whether `port` can be bound on loopback right now. */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A free port for a cluster node: one whose bus port is free too. The kernel hands out ports up
 * to 60999, and redis-server refuses to start on one above 55535 ("port number too high").
 */
async function freeClusterPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await freePort();
    if (port <= MAX_CLUSTER_PORT && (await canBind(port + 10_000))) return port;
  }
  throw new Error('no free port pair (port, port + 10000) for a cluster node');
}

const RDB_FILE = 'dump.rdb';
/** Ports tried before giving up: another process may take a free port before redis-server binds it. */
const START_ATTEMPTS = 3;

/** A real redis-server this test process started, on a free loopback port, with no persistence by default. */
export class RedisServerProcess {
  private child: ChildProcess | null = null;
  readonly dir = mkdtempSync(path.join(tmpdir(), 'taskstream-redis-'));

  /** `extraArgs` are added to every launch (a cluster node's settings). */
  private constructor(
    readonly port: number,
    private readonly extraArgs: string[] = [],
  ) {}

  /** `persist` turns on the append-only file, for tests that restart Redis and expect its data back. */
  static async start({
    persist = false,
    args = [],
  }: {
    persist?: boolean;
    args?: string[];
  } = {}): Promise<RedisServerProcess> {
    const clusterNode = args.includes('--cluster-enabled');
    for (let attempt = 1; ; attempt++) {
      const server = new RedisServerProcess(clusterNode ? await freeClusterPort() : await freePort(), args);
      try {
        await server.launch({ persist });
        return server;
      } catch (err) {
        await server.stop().catch(() => undefined);
        rmSync(server.dir, { recursive: true, force: true });
        if (attempt >= START_ATTEMPTS) throw err;
      }
    }
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Starts redis-server; with `persist`, data is saved to and loaded from `dir` (for restarts that
   * keep data). Without it, an RDB file a test made with `SAVE` is still loaded (no automatic saves).
   */
  async launch({ persist = false }: { persist?: boolean } = {}): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', ''];
    args.push('--dbfilename', RDB_FILE);
    args.push('--appendonly', persist ? 'yes' : 'no', '--appendfsync', 'always');
    if (!persist) args.push('--appendfilename', `empty-${Date.now()}.aof`);
    args.push(...this.extraArgs);
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.child = child;
    // A test worker that ends without its afterAll (a crash, a timeout, a hook registered too late)
    // must not leave redis-servers behind.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.removeListener('exit', killOnExit));
    const deadline = Date.now() + 10_000;
    // A redis-server that exited (its port was taken meanwhile) will not answer: no point waiting out the deadline.
    while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
      const probe = new Redis(this.url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') {
          // AOF loading answers LOADING errors before it is ready; PING succeeding means ready.
          probe.disconnect();
          return;
        }
      } catch {
        probe.disconnect();
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server on port ${this.port} did not start`);
  }

  /** Stops the process we started (by PID) and waits for it to exit. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
    this.child = null;
  }

  /**
   * Kill and start again: `keepData` reloads the append-only file, otherwise Redis comes back empty;
   * `fromRdb` brings back the data of the last `SAVE` instead (an older, consistent data set, as
   * after a restore or a failover to a lagging replica).
   */
  async restart({
    keepData = true,
    fromRdb = false,
    downMs = 0,
  }: {
    keepData?: boolean;
    fromRdb?: boolean;
    downMs?: number;
  } = {}): Promise<void> {
    await this.stop();
    if (!fromRdb) rmSync(path.join(this.dir, RDB_FILE), { force: true });
    if (downMs) await new Promise((r) => setTimeout(r, downMs));
    await this.launch({ persist: keepData && !fromRdb });
  }
}
