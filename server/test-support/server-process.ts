import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_JWT_SECRET } from './harness';
import { freePort } from './redis-server';

const repoRoot = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));

/**
 * A taskstream server in its own process (`node --import tsx server/index.ts`), as production
 * runs it: for several-process tests and for signals (SIGTERM drains, SIGKILL is a crash).
 */
export class ServerProcess {
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What the process wrote to stderr (its start errors; logs are silent). */
  stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
  }

  /** Starts a server on a free port and resolves once `/api/health` answers (within `readyMs`). */
  static async start(env: Record<string, string>, readyMs = 60_000): Promise<ServerProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        PORT: String(port),
        HOST: '127.0.0.1',
        JWT_SECRET: TEST_JWT_SECRET,
        LOG_LEVEL: 'silent',
        SIMULATION_SPEED: '20',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const server = new ServerProcess(child, port);
    const deadline = Date.now() + readyMs;
    for (;;) {
      if (server.exitInfo) throw new Error(`server exited before it was ready: ${server.stderr}`);
      try {
        const res = await fetch(`${server.url}/api/health`);
        await res.body?.cancel();
        if (res.status === 200) return server;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        server.kill('SIGKILL');
        throw new Error(`server on port ${port} not ready within ${readyMs} ms: ${server.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.exitInfo === null;
  }

  /** Signals this process (by its PID, never by name). */
  kill(signal: NodeJS.Signals): void {
    if (this.exitInfo === null) this.child.kill(signal);
  }

  /** SIGKILL and wait for the exit; a no-op if it already exited. */
  async stop(): Promise<void> {
    if (this.exitInfo) return;
    this.kill('SIGKILL');
    await this.exited;
  }
}
