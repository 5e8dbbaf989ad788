/**
 * `npm run watch -- <taskId>`: follows one task's per-task stream (`GET /api/tasks/:id/events`) from a
 * terminal and prints each event until the task ends — seed 003's test script, on the real contract.
 *
 * Exit codes: 0 completed · 1 failed or cancelled · 2 usage, sign-in or unknown task · 3 server
 * unreachable or refusing streams after retries.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ErrorEvent, EventSource, type FetchLike } from 'eventsource';
import {
  isTerminal,
  loginBodySchema,
  snapshotDataSchema,
  type Task,
  taskEventDataSchema,
  taskEventNames,
  taskIdSchema,
  taskResponseSchema,
} from '../protocol';

export const exitCodes = { completed: 0, unsuccessful: 1, usage: 2, unreachable: 3 } as const;

const usage = `Usage: npm run watch -- <taskId> [--url <base>] [--user <name> --password <pw>] [--from <eventId>]

  Prints each event of one task — name, percent, stage, message — until it ends.
  Auth: TASKSTREAM_TOKEN (a bearer JWT), or --user/--password (or TASKSTREAM_USER/TASKSTREAM_PASSWORD).
  Base URL: --url or TASKSTREAM_URL (default http://127.0.0.1:3000).
  --from <eventId>  resume after an event id printed by an earlier watch.
  Exit: 0 completed, 1 failed or cancelled, 2 usage/sign-in/unknown task, 3 server unreachable.`;

type Auth = { kind: 'token'; token: string } | { kind: 'login'; username: string; password: string };

export interface WatchOptions {
  taskId: string;
  baseUrl: string;
  auth: Auth;
  /** Resume after this event id (sent as Last-Event-ID on the first request). */
  fromEventId?: string;
  print: (line: string) => void;
  /** For tests: a fetch to route the stream's requests through (e.g. to cut a connection). */
  fetch?: FetchLike;
  /** Reconnect attempts after the server refuses the stream (429, 5xx) before giving up. */
  maxRetries?: number;
  /** Connection drops in a row (no `connected` between) before giving up on an unreachable server. */
  maxDrops?: number;
}

class UsageError extends Error {}

/** Turns argv and the environment into options, or a UsageError naming what is wrong. */
export function parseWatchArgs(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  print: (line: string) => void,
): WatchOptions {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help) throw new UsageError('');
  if (positionals.length !== 1) throw new UsageError('give exactly one task id');
  const taskId = taskIdSchema.safeParse(positionals[0]);
  if (!taskId.success) throw new UsageError(`not a task id: ${positionals[0]}`);

  const rawUrl = values.url ?? env.TASKSTREAM_URL ?? 'http://127.0.0.1:3000';
  let baseUrl: string;
  try {
    const url = new URL(rawUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    baseUrl = url.origin + url.pathname.replace(/\/+$/, '');
  } catch {
    throw new UsageError(`not an http(s) URL: ${rawUrl}`);
  }

  const token = env.TASKSTREAM_TOKEN;
  const username = values.user ?? env.TASKSTREAM_USER;
  const password = values.password ?? env.TASKSTREAM_PASSWORD;
  let auth: Auth;
  if (username !== undefined || password !== undefined) {
    const login = loginBodySchema.safeParse({ username, password });
    if (!login.success) throw new UsageError('--user and --password go together');
    auth = { kind: 'login', ...login.data };
  } else if (token) {
    auth = { kind: 'token', token };
  } else {
    throw new UsageError('sign in with TASKSTREAM_TOKEN, or --user and --password');
  }
  return { taskId: taskId.data, baseUrl, auth, fromEventId: values.from, print };
}

function parseOptions(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      user: { type: 'string' },
      password: { type: 'string' },
      from: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

class AuthError extends Error {}

/** The header that proves who we are: the bearer token, or the session cookie of a fresh sign-in. */
async function authHeader(options: WatchOptions): Promise<Record<string, string>> {
  if (options.auth.kind === 'token') return { authorization: `Bearer ${options.auth.token}` };
  const res = await fetch(`${options.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ username: options.auth.username, password: options.auth.password }),
  });
  await res.body?.cancel();
  if (res.status === 401 || res.status === 400)
    throw new AuthError('sign-in refused: wrong user or password');
  if (!res.ok) throw new Error(`sign-in answered ${res.status}`);
  // Only the cookie's name=value goes back; its attributes are for browsers.
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]);
  if (!cookies.length) throw new AuthError('sign-in set no session cookie');
  return { cookie: cookies.join('; ') };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function clock(): string {
  return new Date().toISOString().slice(11, 19);
}

/** One event as a line: time, name, percent, stage, message, and its id (what `--from` takes). */
export function formatEventLine(name: string, task: Task, eventId?: string): string {
  const percent = `${task.progress.percent}%`.padStart(4);
  const stage = (task.stage ?? '-').padEnd(14);
  const text = task.status === 'failed' ? (task.error ?? task.message ?? '') : (task.message ?? '');
  const id = eventId ? `  [${eventId}]` : '';
  return `${clock()}  ${name.padEnd(9)} ${percent}  ${stage} ${text}${id}`.trimEnd();
}

function outcome(task: Task, print: (line: string) => void): number {
  if (task.status === 'completed') {
    if (task.result) print(`result: ${JSON.stringify(task.result)}`);
    return exitCodes.completed;
  }
  print(task.status === 'failed' ? `failed: ${task.error ?? 'no reason given'}` : 'cancelled');
  return exitCodes.unsuccessful;
}

/** `GET /api/tasks/:id`, for a stream that answered 204 (the task had already ended). */
async function readTask(options: WatchOptions, headers: Record<string, string>): Promise<Task> {
  const res = await fetch(`${options.baseUrl}/api/tasks/${options.taskId}`, {
    headers: { ...headers, accept: 'application/json' },
  });
  if (!res.ok) throw new Error(`GET /api/tasks/${options.taskId} answered ${res.status}`);
  return taskResponseSchema.parse(await res.json()).task;
}

/**
 * Watches one task to its end and resolves with the exit code. Drops are resumed by EventSource
 * itself (it resends Last-Event-ID); refusals EventSource gives up on (429, 5xx) are retried here
 * with backoff from the last id seen.
 */
export async function watchTask(options: WatchOptions): Promise<number> {
  const { print, taskId } = options;
  const maxRetries = options.maxRetries ?? 5;
  const maxDrops = options.maxDrops ?? 10;
  let headers: Record<string, string>;
  try {
    headers = await authHeader(options);
  } catch (err) {
    print(`error: ${err instanceof Error ? err.message : String(err)}`);
    return err instanceof AuthError ? exitCodes.usage : exitCodes.unreachable;
  }
  const baseFetch: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  let lastEventId = options.fromEventId;
  let refusals = 0;
  let drops = 0;

  for (;;) {
    const result = await new Promise<number | 'retry' | 'reauth' | 'ended'>((resolve) => {
      const streamFetch: FetchLike = (url, init) => {
        const merged = { ...init.headers, ...headers };
        // EventSource sends Last-Event-ID itself once it has seen an id; before that, resume from ours.
        if (lastEventId && !merged['Last-Event-ID']) merged['Last-Event-ID'] = lastEventId;
        return baseFetch(url, { ...init, headers: merged });
      };
      const source = new EventSource(`${options.baseUrl}/api/tasks/${taskId}/events`, {
        fetch: streamFetch,
      });
      const finish = (value: number | 'retry' | 'reauth' | 'ended') => {
        source.close();
        resolve(value);
      };
      const onTask = (name: string) => (event: MessageEvent<string>) => {
        const parsed = taskEventDataSchema.safeParse(parseJson(event.data));
        if (!parsed.success) return;
        if (event.lastEventId) lastEventId = event.lastEventId;
        refusals = 0;
        print(formatEventLine(name, parsed.data.task, event.lastEventId));
        if (isTerminal(parsed.data.task.status)) finish(outcome(parsed.data.task, print));
      };
      for (const name of taskEventNames) source.addEventListener(name, onTask(name));
      source.addEventListener('connected', () => {
        drops = 0;
        print(`${clock()}  connected to ${options.baseUrl}`);
      });
      source.addEventListener('snapshot', (event) => {
        const parsed = snapshotDataSchema.safeParse(parseJson(event.data));
        const task = parsed.success ? parsed.data.tasks.find((t) => t.id === taskId) : undefined;
        if (task) print(formatEventLine('snapshot', task));
      });
      source.addEventListener('reset', () =>
        print(`${clock()}  reset: the server no longer had our position`),
      );
      source.addEventListener('auth-expired', () => finish('reauth'));
      source.addEventListener('error', (event) => {
        const code = event instanceof ErrorEvent ? event.code : undefined;
        if (source.readyState === EventSource.CONNECTING) {
          drops++;
          if (drops > maxDrops) {
            print(`error: could not reach ${options.baseUrl} (${drops} attempts)`);
            finish(exitCodes.unreachable);
            return;
          }
          print(`${clock()}  connection lost; resuming after event ${lastEventId ?? '(start)'}`);
          return;
        }
        if (code === 204) finish('ended');
        else if (code === 401) finish('reauth');
        else if (code === 404) {
          print(`error: no task ${taskId} for this user`);
          finish(exitCodes.usage);
        } else if (code === 400) {
          print(`error: the server refused the request (400)`);
          finish(exitCodes.usage);
        } else finish('retry');
      });
    });

    if (typeof result === 'number') return result;
    if (result === 'ended') {
      try {
        const task = await readTask(options, headers);
        print(formatEventLine(task.status, task));
        return outcome(task, print);
      } catch (err) {
        print(`error: ${err instanceof Error ? err.message : String(err)}`);
        return exitCodes.unreachable;
      }
    }
    if (result === 'reauth') {
      if (options.auth.kind === 'token') {
        print('error: the token was refused or has expired');
        return exitCodes.usage;
      }
      try {
        headers = await authHeader(options);
        print(`${clock()}  signed in again; resuming after event ${lastEventId ?? '(start)'}`);
        continue;
      } catch (err) {
        print(`error: ${err instanceof Error ? err.message : String(err)}`);
        return exitCodes.usage;
      }
    }
    refusals++;
    if (refusals > maxRetries) {
      print(`error: the server refused the stream ${refusals} times; giving up`);
      return exitCodes.unreachable;
    }
    const delayMs = Math.min(30_000, 500 * 2 ** (refusals - 1));
    print(`${clock()}  stream refused; retrying in ${delayMs} ms`);
    await new Promise((r) => setTimeout(r, delayMs));
  }
}

/** The command: parses argv and env, watches, and returns the exit code. */
export async function main(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  print: (line: string) => void = console.log,
): Promise<number> {
  let options: WatchOptions;
  try {
    options = parseWatchArgs(argv, env, print);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    if (err.message) print(`error: ${err.message}`);
    print(usage);
    return err.message ? exitCodes.usage : exitCodes.completed;
  }
  return watchTask(options);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2), process.env).then((code) => {
    process.exitCode = code;
  });
}
