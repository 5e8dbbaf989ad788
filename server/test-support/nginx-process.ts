import { execFileSync, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OwnedProcess } from './owned-process';
import { freePort } from './redis-server';

const repoRoot = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The example configuration the repository ships; tests run it, so it cannot rot unnoticed. */
export const shippedNginxConfig = path.join(repoRoot, 'deploy', 'nginx.conf');
export const nginxBinary = process.env.NGINX_PATH ?? '/usr/sbin/nginx';

/** True when nginx is installed (CI installs Debian's; a laptop may not have it). */
export const hasNginx = (() => {
  try {
    execFileSync(nginxBinary, ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

export interface NginxConfigOverrides {
  /** Where nginx listens (on 127.0.0.1). */
  port: number;
  /** `host:port` of every taskstream process, in upstream order. */
  upstreams: string[];
  /** nginx's prefix directory: pid, logs and temp files go here, so no root-owned path is needed. */
  prefix: string;
  /** Replaces the SSE location's proxy_read_timeout, so a test can outlast it in seconds. */
  sseReadTimeoutS?: number;
}

/** The access log each test configuration writes: which upstream answered which request. */
const accessLogName = 'access.log';

/**
 * deploy/nginx.conf with only what a test machine needs changed: ports, the upstream list, paths
 * inside `prefix`, one nginx worker, an access log naming the upstream. Every rewrite must find
 * its anchor, so an edit to the shipped file that a rewrite no longer fits fails loudly here.
 */
export function renderNginxConfig(template: string, o: NginxConfigOverrides): string {
  let config = template;
  const rewrite = (
    pattern: RegExp,
    replace: (match: string, ...groups: string[]) => string,
    what: string,
  ) => {
    const matches = config.match(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`));
    if (matches?.length !== 1) {
      throw new Error(`deploy/nginx.conf: expected exactly one ${what}, found ${matches?.length ?? 0}`);
    }
    config = config.replace(pattern, replace);
  };

  rewrite(/^worker_processes .*;$/m, () => 'worker_processes 1;', 'worker_processes line');
  rewrite(
    /^events \{$/m,
    (m) => `pid ${o.prefix}/nginx.pid;\nerror_log ${o.prefix}/error.log warn;\n\n${m}`,
    'events block',
  );
  const paths = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `    ${kind}_temp_path ${o.prefix}/${kind}_temp;`)
    .join('\n');
  rewrite(
    /^http \{$/m,
    (m) =>
      `${m}\n${paths}\n    log_format upstreams '$upstream_addr $status $request_method $uri';\n` +
      `    access_log ${o.prefix}/${accessLogName} upstreams;\n`,
    'http block',
  );
  // The upstream's first `server` line keeps its options and becomes one line per process.
  rewrite(
    /^([ \t]*)server \S+:\d+( [^;\n]*)?;\n(?:[ \t]*server \S+:\d+(?: [^;\n]*)?;\n)*/m,
    (_m, indent = '', options = '') => o.upstreams.map((u) => `${indent}server ${u}${options};\n`).join(''),
    'upstream server list',
  );
  rewrite(
    /^([ \t]*)listen 80;$/m,
    (_m, indent = '') => `${indent}listen 127.0.0.1:${o.port};`,
    'listen 80 line',
  );
  if (o.sseReadTimeoutS !== undefined) {
    const seconds = o.sseReadTimeoutS;
    rewrite(/proxy_read_timeout \d+s;/, () => `proxy_read_timeout ${seconds}s;`, 'proxy_read_timeout');
  }
  return config;
}

/** Debian's nginx in the foreground, run by this test process from a rendered deploy/nginx.conf. */
export class NginxProcess {
  private constructor(
    private readonly owned: OwnedProcess,
    readonly port: number,
    readonly prefix: string,
  ) {}

  static async start(options: Omit<NginxConfigOverrides, 'port' | 'prefix'>): Promise<NginxProcess> {
    const prefix = await mkdtemp(path.join(tmpdir(), 'taskstream-nginx-'));
    // Run as root, nginx's workers switch to an unprivileged user that must reach the temp paths.
    await chmod(prefix, 0o755);
    const port = await freePort();
    const configFile = path.join(prefix, 'nginx.conf');
    const template = await readFile(shippedNginxConfig, 'utf8');
    await writeFile(configFile, renderNginxConfig(template, { ...options, port, prefix }));
    const child = spawn(
      nginxBinary,
      ['-e', path.join(prefix, 'error.log'), '-p', prefix, '-c', configFile, '-g', 'daemon off;'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    // SIGTERM, not SIGKILL: the master must live long enough to stop its workers, or they linger.
    const nginx = new NginxProcess(new OwnedProcess(child, 'SIGTERM'), port, prefix);
    await nginx.waitUntilListening();
    return nginx;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** nginx says nothing when it is ready, so the listening socket is probed (bounded). */
  private async waitUntilListening(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.owned.running) throw new Error(`nginx exited at start: ${this.owned.stderr}`);
      try {
        const res = await fetch(`${this.url}/api/health`);
        await res.body?.cancel();
        return;
      } catch {
        if (Date.now() > deadline) {
          throw new Error(`nginx not listening within ${timeoutMs} ms: ${this.owned.stderr}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** `upstream_addr status method uri`, one line per request nginx has finished. */
  async accessLog(): Promise<string[]> {
    const text = await readFile(path.join(this.prefix, accessLogName), 'utf8');
    return text.split('\n').filter(Boolean);
  }

  /** Fast shutdown of the master we started (by PID; it stops its workers), then removes the prefix. */
  async stop(): Promise<void> {
    await this.owned.stop('SIGTERM');
    await rm(this.prefix, { recursive: true, force: true });
  }
}
