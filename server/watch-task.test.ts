import type { FetchLike } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodes, main, watchTask } from '../scripts/watch-task';
import { backendsWithCluster, startTestServer, type TestServer, uniqueUser } from './test-support/harness';

// Slow enough (about 2 s for a brand analysis) that the watcher sees the task run, not just its end.
const serverEnv = { SIMULATION_SPEED: '5' };

async function startBrandAnalysis(server: TestServer, user: string, params: object = {}): Promise<string> {
  const res = await server.api('/api/tasks', { as: user, body: { type: 'brand_analysis', params } });
  expect(res.status).toBe(202);
  return res.json.task.id;
}

/** Runs the command as a terminal would, collecting what it prints. */
async function watch(argv: string[], env: Record<string, string | undefined>) {
  const lines: string[] = [];
  const code = await main(argv, env, (line) => lines.push(line));
  return { code, lines, text: lines.join('\n') };
}

/** Lines of task events (not the snapshot or connection notes), as [name, percent]. */
function taskEvents(lines: readonly string[]): Array<[string, number]> {
  return lines.flatMap((line) => {
    const match = /^\d\d:\d\d:\d\d {2}(started|progress|completed|failed|cancelled)\s+(\d+)%/.exec(line);
    return match ? [[match[1] ?? '', Number(match[2])] as [string, number]] : [];
  });
}

describe.each(backendsWithCluster)('npm run watch (%s Redis)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, serverEnv);
  });
  afterAll(() => server.close({ timeoutMs: 1000 }));

  it('prints each event with percent, stage and message and exits 0 when the task completes', async () => {
    const user = uniqueUser('watch');
    const taskId = await startBrandAnalysis(server, user);
    const env = { TASKSTREAM_URL: server.url, TASKSTREAM_TOKEN: await server.tokenFor(user) };
    const { code, lines, text } = await watch([taskId], env);

    expect(code, text).toBe(exitCodes.completed);
    const events = taskEvents(lines);
    expect(events.at(-1)).toEqual(['completed', 100]);
    expect(events.filter(([name]) => name === 'progress').length, text).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/progress\s+\d+%\s+collecting\s+Collecting brand mentions/);
    expect(lines.at(-1)).toMatch(/^result: .*"summary":"Mostly positive/);
  });

  it('exits 1 and prints the reason when the task fails', async () => {
    const user = uniqueUser('watch');
    const taskId = await startBrandAnalysis(server, user, { failAt: 'scoring' });
    const env = { TASKSTREAM_URL: server.url, TASKSTREAM_TOKEN: await server.tokenFor(user) };
    const { code, lines, text } = await watch([taskId], env);

    expect(code, text).toBe(exitCodes.unsuccessful);
    expect(taskEvents(lines).at(-1)?.[0]).toBe('failed');
    expect(lines.at(-1)).toBe('failed: Scoring sentiment failed. Try the analysis again.');
  });
});

describe('npm run watch (sign-in, resume, errors)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('mock', serverEnv);
  });
  afterAll(() => server.close({ timeoutMs: 1000 }));

  it('signs in with --user and --password and watches that user’s task', async () => {
    const taskId = await startBrandAnalysis(server, 'alice');
    const { code, text } = await watch(
      [taskId, '--url', server.url, '--user', 'alice', '--password', 'demo'],
      {},
    );
    expect(code, text).toBe(exitCodes.completed);
  });

  it('resumes from the last id after the connection drops, with no event twice or missed', async () => {
    const user = uniqueUser('watch');
    const taskId = await startBrandAnalysis(server, user);
    let cut = false;
    // Ends the first stream right after its first progress event, as a dropped connection would.
    const cuttingFetch: FetchLike = async (url, init) => {
      const res = await fetch(url, init);
      if (cut || !res.body) return res;
      cut = true;
      const reader = res.body.getReader();
      let seen = '';
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { done, value } = await reader.read();
          if (done) return controller.close();
          controller.enqueue(value);
          seen += new TextDecoder().decode(value);
          if (/event: progress\n[\s\S]*\n\n/.test(seen)) {
            await reader.cancel();
            controller.close();
          }
        },
      });
      return new Response(body, { status: res.status, headers: res.headers });
    };
    const lines: string[] = [];
    const code = await watchTask({
      taskId,
      baseUrl: server.url,
      auth: { kind: 'token', token: await server.tokenFor(user) },
      print: (line) => lines.push(line),
      fetch: cuttingFetch,
    });
    const text = lines.join('\n');

    expect(code, text).toBe(exitCodes.completed);
    expect(text).toMatch(/connection lost; resuming after event \d/);
    expect(taskEvents(lines).at(-1)).toEqual(['completed', 100]);
    // Each task event once and in order across the reconnect (ids are epoch.sequence).
    const sequences = lines.flatMap((line) => {
      const id = /\[(\d+)\.(\d+)\]$/.exec(line);
      return id ? [Number(id[2])] : [];
    });
    expect(sequences.length).toBeGreaterThanOrEqual(3);
    // The user has only this task, so its events are consecutive in the user's log: none missed.
    const first = sequences[0] ?? 0;
    expect(sequences).toEqual(sequences.map((_, i) => first + i));
  });

  it('prints the final state from GET /api/tasks/:id when the stream answers 204', async () => {
    const user = uniqueUser('watch');
    const taskId = await startBrandAnalysis(server, user);
    const env = { TASKSTREAM_URL: server.url, TASKSTREAM_TOKEN: await server.tokenFor(user) };
    expect((await watch([taskId], env)).code).toBe(exitCodes.completed);
    // The user's latest event is this task's final one: resuming after it gets 204.
    const { json } = await server.api('/api/tasks', { as: user });
    const again = await watch([taskId, '--from', json.cursor], env);

    expect(again.code, again.text).toBe(exitCodes.completed);
    expect(again.text).not.toMatch(/connected to/);
    expect(again.lines.at(-2)).toMatch(/completed\s+100%/);
  });

  it.each([
    ['no task id', [], {}, /give exactly one task id/],
    ['a malformed task id', ['../etc'], { TASKSTREAM_TOKEN: 'x' }, /not a task id/],
    ['no credentials', ['t_abcdefgh'], {}, /sign in with TASKSTREAM_TOKEN/],
    ['a user without a password', ['t_abcdefgh', '--user', 'alice'], {}, /go together/],
    ['a URL that is not http', ['t_abcdefgh', '--url', 'ftp://x'], { TASKSTREAM_TOKEN: 'x' }, /not an http/],
    ['an unknown option', ['t_abcdefgh', '--verbose'], { TASKSTREAM_TOKEN: 'x' }, /Unknown option/],
  ])('exits 2 with the usage for %s', async (_case, argv, env, message) => {
    const { code, text } = await watch(argv, env);
    expect(code).toBe(exitCodes.usage);
    expect(text).toMatch(message);
    expect(text).toMatch(/Usage: npm run watch/);
  });

  it('exits 2 when the password is wrong, the token is refused or the task is not the user’s', async () => {
    const taskId = await startBrandAnalysis(server, 'bob');
    const url = ['--url', server.url];
    const wrongPassword = await watch([taskId, ...url, '--user', 'alice', '--password', 'nope'], {});
    expect([wrongPassword.code, wrongPassword.text]).toEqual([
      exitCodes.usage,
      'error: sign-in refused: wrong user or password',
    ]);

    const badToken = await watch([taskId, ...url], { TASKSTREAM_TOKEN: 'not-a-jwt' });
    expect(badToken.code, badToken.text).toBe(exitCodes.usage);
    expect(badToken.text).toMatch(/token was refused/);

    const notYours = await watch([taskId, ...url], { TASKSTREAM_TOKEN: await server.tokenFor('alice') });
    expect(notYours.code, notYours.text).toBe(exitCodes.usage);
    expect(notYours.text).toMatch(`no task ${taskId} for this user`);
  });

  it('exits 3 when the server cannot be reached', async () => {
    const lines: string[] = [];
    const code = await watchTask({
      taskId: 't_abcdefgh',
      baseUrl: 'http://127.0.0.1:9',
      auth: { kind: 'token', token: 'x' },
      print: (line) => lines.push(line),
      maxDrops: 0,
    });
    expect(code).toBe(exitCodes.unreachable);
    expect(lines.at(-1)).toMatch(/could not reach http:\/\/127.0.0.1:9/);
  });
});
