import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type InboxEntry,
  type InboxResponse,
  inboxEntryFromTask,
  inboxView,
  type Task,
} from '../../../../protocol';
import { applyTaskOps } from '../../../stores/task-store';
import { finish, makeTask } from '../../../test/factories';
import { server } from '../../../test/msw-server';
import { setPageVisibility } from '../../../test/page-visibility';
import { renderWithProviders } from '../../../test/render';
import { InboxButton } from './inbox-button';

function entryOf(task: Task): InboxEntry {
  const entry = inboxEntryFromTask(task);
  if (!entry) throw new Error('task has not finished');
  return entry;
}

/** The server's inbox for this test, answered and moved by the protocol's rules. */
function serveInbox(initial: InboxEntry[], initialReadUpTo: string | null = null) {
  let readUpTo = initialReadUpTo;
  const seenBodies: unknown[] = [];
  server.use(
    http.get('/api/inbox', () => HttpResponse.json(inboxView(initial, readUpTo))),
    http.post('/api/inbox/seen', async ({ request }) => {
      const body = (await request.json()) as { upTo: string };
      seenBodies.push(body);
      readUpTo = body.upTo;
      return HttpResponse.json(inboxView(initial, readUpTo));
    }),
  );
  return { seenBodies };
}

const apply = (...tasks: Task[]) =>
  act(() => {
    applyTaskOps([{ kind: 'tasks', tasks }]);
  });

describe('InboxButton', () => {
  const rebuild = finish(makeTask({ type: 'rebuild_communities' }), 'completed', {
    finishedAt: '2025-01-01T12:01:00.000Z',
  });
  const run = finish(makeTask({ type: 'test_run' }), 'failed', {
    error: 'Two tests failed',
    finishedAt: '2025-01-01T12:02:00.000Z',
  });

  it('shows the unseen count and lists what ended, with where to find it', async () => {
    serveInbox([entryOf(rebuild), entryOf(run)]);
    renderWithProviders(<InboxButton />);
    const bell = await screen.findByRole('button', { name: 'Activity, 2 unseen' });
    expect(screen.getByTestId('inbox-count')).toHaveTextContent('2');

    await userEvent.click(bell);
    expect(bell).toHaveAttribute('aria-expanded', 'true');
    const panel = screen.getByRole('region', { name: 'Activity' });
    const rows = within(panel).getAllByRole('listitem');
    expect(rows.map((r) => r.getAttribute('data-task-id'))).toEqual([run.id, rebuild.id]);
    expect(within(panel).getByRole('link', { name: 'Running Tests' })).toHaveAttribute(
      'href',
      `/runs/${run.id}`,
    );
    expect(within(panel).getByRole('link', { name: 'Rebuilding Communities' })).toHaveAttribute(
      'href',
      '/communities',
    );
    expect(rows[0]).toHaveTextContent('Two tests failed');
    expect(rows[0]?.querySelector('time')).toHaveAttribute('dateTime', run.finishedAt);
  });

  it('marks all seen up to the newest entry and keeps focus on the button', async () => {
    const { seenBodies } = serveInbox([entryOf(rebuild), entryOf(run)]);
    renderWithProviders(<InboxButton />);
    await userEvent.click(await screen.findByRole('button', { name: 'Activity, 2 unseen' }));
    const markAll = screen.getByRole('button', { name: 'Mark all seen' });
    await userEvent.click(markAll);
    await screen.findByRole('button', { name: 'Activity' });
    expect(seenBodies).toEqual([{ upTo: run.finishedAt }]);
    expect(screen.queryByTestId('inbox-count')).not.toBeInTheDocument();
    expect(markAll).toHaveFocus();
    expect(markAll).toHaveAttribute('aria-disabled', 'true');
  });

  it('counts a task that ends while the app is open, once, without asking the server again', async () => {
    let reads = 0;
    server.use(
      http.get('/api/inbox', () => {
        reads++;
        return HttpResponse.json({ entries: [], unseen: 0, readUpTo: null });
      }),
    );
    renderWithProviders(<InboxButton />);
    await screen.findByRole('button', { name: 'Activity' });
    const task = makeTask({ type: 'po_processing', percent: 50 });
    apply(task);
    apply(finish(task, 'completed'));
    apply(finish(task, 'completed'));
    expect(await screen.findByRole('button', { name: 'Activity, 1 unseen' })).toBeInTheDocument();
    expect(reads).toBe(1);
  });

  it('counts a task that ended during a reconnect, from the snapshot, unless already seen', async () => {
    serveInbox([entryOf(rebuild), entryOf(run)], run.finishedAt);
    renderWithProviders(<InboxButton />);
    await screen.findByRole('button', { name: 'Activity' });
    const missed = finish(makeTask({ type: 'seo_init' }), 'completed', {
      finishedAt: '2025-01-01T12:05:00.000Z',
    });
    act(() => {
      applyTaskOps([{ kind: 'snapshot', tasks: [rebuild, run, missed], replace: true }]);
    });
    expect(await screen.findByRole('button', { name: 'Activity, 1 unseen' })).toBeInTheDocument();
  });

  it('takes the read marker another tab set', async () => {
    serveInbox([entryOf(rebuild)]);
    renderWithProviders(<InboxButton />);
    await screen.findByRole('button', { name: 'Activity, 1 unseen' });
    const otherTab = new BroadcastChannel('taskstream:inbox');
    const seenElsewhere: InboxResponse = inboxView([entryOf(rebuild)], rebuild.finishedAt ?? null);
    otherTab.postMessage(seenElsewhere);
    otherTab.close();
    expect(await screen.findByRole('button', { name: 'Activity' })).toBeInTheDocument();
  });

  it('closes when an entry is followed and gives focus back to the bell', async () => {
    serveInbox([entryOf(rebuild)]);
    renderWithProviders(<InboxButton />, { route: '/communities' });
    const bell = await screen.findByRole('button', { name: 'Activity, 1 unseen' });
    await userEvent.click(bell);
    await userEvent.click(screen.getByRole('link', { name: 'Rebuilding Communities' }));
    expect(screen.queryByRole('region', { name: 'Activity' })).not.toBeInTheDocument();
    expect(bell).toHaveFocus();
  });

  it('closes on Escape and gives focus back to the bell', async () => {
    serveInbox([]);
    renderWithProviders(<InboxButton />);
    const bell = await screen.findByRole('button', { name: 'Activity' });
    await userEvent.click(bell);
    expect(screen.getByText(/Nothing has finished yet/)).toBeInTheDocument();
    await userEvent.tab();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('region', { name: 'Activity' })).not.toBeInTheDocument();
    expect(bell).toHaveFocus();
  });
});

describe('desktop notifications', () => {
  const created: { title: string; options?: NotificationOptions }[] = [];
  const requestPermission = vi.fn(async () => {
    FakeNotification.permission = 'granted';
    return 'granted' as const;
  });
  class FakeNotification {
    static permission: NotificationPermission = 'default';
    static requestPermission = requestPermission;
    constructor(title: string, options?: NotificationOptions) {
      created.push({ title, options });
    }
  }

  beforeEach(() => {
    created.length = 0;
    FakeNotification.permission = 'default';
    requestPermission.mockClear();
    vi.stubGlobal('Notification', FakeNotification);
    serveInbox([]);
  });
  afterEach(() => {
    setPageVisibility('visible');
    vi.unstubAllGlobals();
    localStorage.clear();
  });

  it('are never asked for on load and appear only after the person opts in', async () => {
    renderWithProviders(<InboxButton />);
    const bell = await screen.findByRole('button', { name: 'Activity' });
    expect(requestPermission).not.toHaveBeenCalled();

    const before = makeTask({ type: 'seo_init', percent: 50 });
    apply(before);
    setPageVisibility('hidden');
    apply(finish(before, 'completed'));
    expect(created).toEqual([]);

    setPageVisibility('visible');
    await userEvent.click(bell);
    await userEvent.click(screen.getByRole('button', { name: 'Notify me when tasks end' }));
    expect(requestPermission).toHaveBeenCalledTimes(1);
    await screen.findByRole('button', { name: 'Turn off desktop notifications' });

    const whileVisible = makeTask({ type: 'seo_init', percent: 50 });
    apply(whileVisible);
    apply(finish(whileVisible, 'completed'));
    expect(created).toEqual([]);

    const away = makeTask({ type: 'po_processing', percent: 50 });
    const cancelled = makeTask({ type: 'seo_init', percent: 50 });
    apply(away, cancelled);
    setPageVisibility('hidden');
    apply(finish(away, 'failed', { error: 'Shopify sync failed' }), finish(cancelled, 'cancelled'));
    await waitFor(() => expect(created).toHaveLength(1));
    expect(created[0]).toEqual({
      title: 'Failed: Processing Purchase Order',
      options: { body: 'Shopify sync failed', tag: `taskstream-${away.id}` },
    });
  });

  it('says so when the browser blocks them', async () => {
    FakeNotification.permission = 'denied';
    renderWithProviders(<InboxButton />);
    await userEvent.click(await screen.findByRole('button', { name: 'Activity' }));
    expect(screen.getByText(/blocked in this browser's settings/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Notify me/ })).not.toBeInTheDocument();
  });
});
