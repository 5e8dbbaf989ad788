import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { healthResponseSchema } from '../protocol';
import { buildServer, serverBundle } from '../scripts/build-server';
import { NginxProcess } from '../server/test-support/nginx-process';
import { OwnedProcess } from '../server/test-support/owned-process';
import { RedisClusterProcess } from '../server/test-support/redis-cluster';
import { freePort, RedisServerProcess } from '../server/test-support/redis-server';

const repoRoot = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

/** How the upstreams run: from TypeScript as `npm run server` does, or the bundle `npm start` runs. */
export type ServerFlavour = 'source' | 'built';
/** What the upstreams share: one redis-server (`REDIS_URL`) or a 3-master Redis Cluster (`REDIS_CLUSTER_NODES`). */
export type StackRedis = 'single' | 'cluster';

export const WORKER_TOKEN = 'load-balancer-worker-token-0123456789';
/** nginx's proxy_read_timeout for the SSE routes in the test configuration. */
export const SSE_READ_TIMEOUT_S = 3;
/** The servers' heartbeat: well inside the read timeout, as deploy/nginx.conf asks. */
export const HEARTBEAT_MS = 1000;

/** One taskstream process this test started; only its PID is ever signalled. */
export class UpstreamProcess {
  private constructor(
    private readonly owned: OwnedProcess,
    readonly port: number,
  ) {}

  static async start(flavour: ServerFlavour, env: Record<string, string>): Promise<UpstreamProcess> {
    const port = await freePort();
    const args = flavour === 'built' ? [serverBundle] : ['--import', 'tsx', 'server/index.ts'];
    const child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const upstream = new UpstreamProcess(new OwnedProcess(child, 'SIGKILL'), port);
    await upstream.listening();
    return upstream;
  }

  /** Resolves on the server's own "listening" log line; stdout keeps being drained after it. */
  private listening(timeoutMs = 30_000): Promise<void> {
    const { child } = this.owned;
    return new Promise((resolve, reject) => {
      let stdout = '';
      let ready = false;
      const timer = setTimeout(
        () => reject(new Error(`no "listening" within ${timeoutMs} ms: ${this.owned.stderr}`)),
        timeoutMs,
      );
      child.stdout?.on('data', (chunk: Buffer) => {
        if (ready) return;
        stdout += chunk.toString();
        if (!stdout.includes('taskstream server listening')) return;
        ready = true;
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code}: ${this.owned.stderr}`));
      });
    });
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get url(): string {
    return `http://${this.address}`;
  }

  get running(): boolean {
    return this.owned.running;
  }

  /** Open streams on this process, from its own /api/health (asked directly, not through nginx). */
  async activeStreams(): Promise<number> {
    const res = await fetch(`${this.url}/api/health`);
    return healthResponseSchema.parse(await res.json()).connections.active;
  }

  kill(signal: NodeJS.Signals): Promise<void> {
    return this.owned.stop(signal);
  }
}

/** One real redis-server or cluster, two taskstream processes sharing it and JWT_SECRET, nginx in front. */
export class LoadBalancedStack {
  private constructor(
    private readonly redis: RedisServerProcess | RedisClusterProcess,
    readonly upstreams: UpstreamProcess[],
    readonly nginx: NginxProcess,
  ) {}

  static async start(flavour: ServerFlavour, on: StackRedis): Promise<LoadBalancedStack> {
    if (flavour === 'built') await buildServer();
    const redis = on === 'cluster' ? await RedisClusterProcess.start() : await RedisServerProcess.start();
    const env = {
      HOST: '127.0.0.1',
      ...(redis instanceof RedisClusterProcess
        ? { REDIS_CLUSTER_NODES: redis.seeds }
        : { REDIS_URL: redis.url }),
      JWT_SECRET: 'load-balancer-e2e-secret-0123456789abcdef',
      WORKER_TOKEN,
      // nginx is on loopback: its X-Forwarded-* are believed, nobody else's.
      TRUST_PROXY: 'loopback',
      HEARTBEAT_MS: String(HEARTBEAT_MS),
      SIMULATION_SPEED: '3',
      // The built server runs as production, where demo sign-ins are off unless named.
      DEV_USERS: 'alice:demo,bob:demo',
      LOG_LEVEL: 'info',
    };
    const upstreams = await Promise.all([
      UpstreamProcess.start(flavour, env),
      UpstreamProcess.start(flavour, env),
    ]);
    const nginx = await NginxProcess.start({
      upstreams: upstreams.map((u) => u.address),
      sseReadTimeoutS: SSE_READ_TIMEOUT_S,
    });
    return new LoadBalancedStack(redis, upstreams, nginx);
  }

  get url(): string {
    return this.nginx.url;
  }

  /** Open streams per upstream, in upstream order. */
  activeStreams(): Promise<number[]> {
    return Promise.all(this.upstreams.map((u) => (u.running ? u.activeStreams() : 0)));
  }

  /** Signs in through nginx and returns the session JWT, for non-browser clients (Bearer). */
  async sessionToken(username: string): Promise<string> {
    const res = await fetch(`${this.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'demo' }),
    });
    if (res.status !== 200) throw new Error(`sign-in through nginx answered ${res.status}`);
    const session = /ts_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
    if (!session) throw new Error('sign-in through nginx set no ts_session cookie');
    return session;
  }

  async stop(): Promise<void> {
    await this.nginx.stop();
    await Promise.all(this.upstreams.map((u) => u.kill('SIGTERM')));
    await this.redis.stop();
  }
}
