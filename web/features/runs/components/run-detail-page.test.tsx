import { act, screen, waitFor } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { Route, Routes } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Task, taskScript } from '../../../../protocol';
import { trackProgressStack, useProgressStackStore } from '../../../stores/progress-stack-store';
import { applyTaskOps, subscribeTaskChanges } from '../../../stores/task-store';
import { FakeEventSource } from '../../../test/fake-event-source';
import { server } from '../../../test/msw-server';
import { renderWithProviders } from '../../../test/render';
import { RunDetailPage } from './run-detail-page';

/** Every version of one run, as the server's simulated worker would produce them. */
function versionsOf(
  id: string,
  params: Record<string, string | boolean>,
  type: Task['type'] = 'test_run',
): Task[] {
  return taskScript({ id, ownerId: 'alice', type, createdAt: Date.now() - 60_000, params }).map(
    (e) => e.task,
  );
}

function serveRun(task: Task | null) {
  server.use(
    http.get('/api/tasks/:id', () =>
      task
        ? HttpResponse.json({ task })
        : HttpResponse.json({ error: { code: 'not-found', message: 'task not found' } }, { status: 404 }),
    ),
  );
}

function renderDetail(id: string) {
  return renderWithProviders(
    <Routes>
      <Route path="/runs/:id" element={<RunDetailPage />} />
    </Routes>,
    { route: `/runs/${id}` },
  );
}

const runStream = () => FakeEventSource.instances.find((s) => s.url.includes('/api/tasks/'))!;
/** A task event as the server frames it: named by the task's status, with an id. */
const send = (es: FakeEventSource, task: Task) => {
  const name = task.status === 'completed' ? 'completed' : task.status === 'failed' ? 'failed' : 'progress';
  act(() => es.send(name, { task }, `1.${task.version}`));
};
/** What the progress stack's live regions last said (a second announcement of one end would read as a burst summary). */
const announced = () => {
  const { polite, assertive } = useProgressStackStore.getState();
  return [polite?.text, assertive?.text].filter((t): t is string => t !== undefined);
};

describe('RunDetailPage', () => {
  let unsubscribe: () => void = () => {};
  beforeEach(() => {
    FakeEventSource.reset();
    vi.stubGlobal('EventSource', FakeEventSource);
    unsubscribe = subscribeTaskChanges(trackProgressStack);
  });
  afterEach(() => {
    unsubscribe();
    vi.unstubAllGlobals();
  });

  it('shows a finished run’s result and report at once, and toasts nothing', async () => {
    const versions = versionsOf('t_detail_done01', { suite: 'checkout', makeItFail: true });
    const final = versions.at(-1)!;
    serveRun(final);
    renderDetail(final.id);
    expect(await screen.findByRole('heading', { level: 1, name: 'Checkout flow' })).toBeInTheDocument();
    expect(screen.getAllByText('Failed').length).toBeGreaterThan(0);
    expect(screen.getByText(String(final.data?.failingTest))).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Report of Checkout flow' })).toHaveAttribute(
      'href',
      '/reports/test-runs/t_detail_done01/index.html',
    );
    // The run's stream answers a finished run with its final event; the page closes it there.
    const es = runStream();
    act(() => es.accept());
    send(es, final);
    expect(es.closed).toBe(true);
    expect(announced()).toEqual([]);
  });

  it('follows a live run over its own stream and closes it on the terminal event', async () => {
    const versions = versionsOf('t_detail_live01', { job: 'release' }, 'job_run');
    serveRun(versions[0]!);
    renderDetail('t_detail_live01');
    expect(await screen.findByRole('heading', { level: 1, name: 'Job run' })).toBeInTheDocument();
    const es = runStream();
    expect(es.url).toBe('/api/tasks/t_detail_live01/events');
    act(() => es.accept());
    send(es, versions[1]!);
    expect(screen.getByRole('heading', { level: 1, name: 'Release check' })).toBeInTheDocument();
    expect(screen.getAllByText('Waiting').length).toBeGreaterThan(0);
    send(es, versions[3]!);
    expect(screen.getAllByText('Running').length).toBeGreaterThan(0);
    expect(screen.getByRole('progressbar')).toBeInTheDocument();
    send(es, versions.at(-1)!);
    expect(screen.getAllByText('Passed').length).toBeGreaterThan(0);
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
    expect(es.closed).toBe(true);
  });

  it('toasts the end once when the run’s stream, the app’s stream and a poll all bring it', async () => {
    const versions = versionsOf('t_detail_once01', { suite: 'smoke' });
    const running = versions[3]!;
    const final = versions.at(-1)!;
    act(() => void applyTaskOps([{ kind: 'snapshot', tasks: [running], replace: false }]));
    serveRun(running);
    renderDetail(running.id);
    await screen.findByRole('heading', { level: 1, name: 'Smoke tests' });
    const es = runStream();
    act(() => es.accept());
    send(es, final);
    act(() => void applyTaskOps([{ kind: 'tasks', tasks: [final] }])); // the app's stream
    act(() => void applyTaskOps([{ kind: 'tasks', tasks: [final] }])); // a poll while it reconnected
    act(() => void applyTaskOps([{ kind: 'snapshot', tasks: [final], replace: false }])); // a reconnect's snapshot
    act(() => void applyTaskOps([{ kind: 'load', tasks: [final] }])); // a reload's first list, or a leader tab's sync
    // Announcements are gathered for a short burst window first; one end must read as itself, once.
    await waitFor(() => expect(announced()).toHaveLength(1), { timeout: 3000 });
    expect(announced()[0]).toContain('Test run passed');
  });

  it('closes the run’s stream when the page goes away', async () => {
    const versions = versionsOf('t_detail_gone01', { suite: 'smoke' });
    serveRun(versions[2]!);
    const { unmount } = renderDetail('t_detail_gone01');
    await screen.findByRole('heading', { level: 1 });
    const es = runStream();
    expect(es.closed).toBe(false);
    unmount();
    expect(es.closed).toBe(true);
  });

  it('polls the run while its stream is down, until the run ends', async () => {
    const versions = versionsOf('t_detail_down01', { suite: 'smoke' });
    let current = versions[2]!;
    let reads = 0;
    server.use(
      http.get('/api/tasks/:id', () => {
        reads++;
        return HttpResponse.json({ task: current });
      }),
    );
    renderDetail('t_detail_down01');
    await screen.findByRole('heading', { level: 1 });
    act(() => runStream().fail(false));
    expect(screen.getByText(/Live updates are interrupted/)).toBeInTheDocument();
    current = versions.at(-1)!;
    await waitFor(() => expect(screen.getAllByText('Passed').length).toBeGreaterThan(0), { timeout: 5000 });
    expect(reads).toBeGreaterThanOrEqual(2);
    expect(screen.queryByText(/Live updates are interrupted/)).not.toBeInTheDocument();
  });

  it('answers another user’s run exactly as an unknown one: not found', async () => {
    serveRun(null);
    renderDetail('t_someone_else1');
    expect(await screen.findByRole('heading', { level: 1, name: 'Run not found' })).toBeInTheDocument();
  });
});
