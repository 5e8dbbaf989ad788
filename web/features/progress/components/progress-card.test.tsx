import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useTaskStore } from '../../../stores/task-store';
import { finish, makeTask } from '../../../test/factories';
import { server } from '../../../test/msw-server';
import { renderWithProviders } from '../../../test/render';
import { ProgressCard } from './progress-card';

describe('ProgressCard', () => {
  afterEach(() => vi.useRealTimers());

  it('shows the registry title, percent bar, step, message and ETA of a running task', () => {
    const task = makeTask({
      type: 'reddit_leads',
      progress: { current: 3, total: 10, percent: 30 },
      message: 'Searching batch 3 of 10: subreddit:SaaS how do you track sales leads',
      etaMs: 12_000,
    });
    renderWithProviders(<ProgressCard task={task} />);
    expect(screen.getByRole('heading', { name: 'Finding Reddit Leads' })).toBeInTheDocument();
    const bar = screen.getByRole('progressbar', { name: 'Finding Reddit Leads' });
    expect(bar).toHaveAttribute('aria-valuenow', '30');
    expect(bar).toHaveAttribute('aria-valuemin', '0');
    expect(bar).toHaveAttribute('aria-valuemax', '100');
    expect(screen.getByText('Batch 3 of 10 · 30%')).toBeInTheDocument();
    expect(screen.getByText(/Searching batch 3 of 10/)).toBeInTheDocument();
    expect(screen.getByText('about 12 s left')).toBeInTheDocument();
  });

  it('counts steps of the registry for types measured in percent', () => {
    const task = makeTask({ type: 'rebuild_communities', percent: 30, message: 'Detecting communities...' });
    renderWithProviders(<ProgressCard task={task} />);
    expect(screen.getByText('Step 2 of 6 · 30%')).toBeInTheDocument();
  });

  it('shows the completion message and dismisses itself after a while', () => {
    vi.useFakeTimers();
    const onDismiss = vi.fn();
    const task = finish(makeTask({ type: 'rebuild_communities' }), 'completed');
    renderWithProviders(<ProgressCard task={task} onDismiss={onDismiss} />);
    expect(screen.getByText('Completed! 12 communities and 348 edges')).toBeInTheDocument();
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
    act(() => vi.advanceTimersByTime(5900));
    expect(onDismiss).not.toHaveBeenCalled();
    act(() => vi.advanceTimersByTime(200));
    expect(onDismiss).toHaveBeenCalledTimes(1);
  });

  it('keeps a finished card while the pointer is on it', () => {
    vi.useFakeTimers();
    const onDismiss = vi.fn();
    const task = finish(makeTask(), 'completed');
    renderWithProviders(<ProgressCard task={task} onDismiss={onDismiss} />);
    act(() => {
      screen.getByRole('article').dispatchEvent(new PointerEvent('pointerover', { bubbles: true }));
    });
    act(() => vi.advanceTimersByTime(20_000));
    expect(onDismiss).not.toHaveBeenCalled();
  });

  it('shows the error of a failed task', () => {
    const task = finish(makeTask(), 'failed', {
      error: 'Community detection failed: the graph database did not answer in time.',
    });
    renderWithProviders(<ProgressCard task={task} onDismiss={() => undefined} />);
    expect(screen.getByText(/Community detection failed/)).toBeInTheDocument();
    expect(screen.getByRole('article')).toHaveAttribute('data-status', 'failed');
  });

  it('expands details with stage, live data and result', async () => {
    const user = userEvent.setup();
    const task = makeTask({ stage: 'detecting', data: { entities: 1204 } });
    renderWithProviders(<ProgressCard task={task} />);
    const toggle = screen.getByRole('button', { name: 'Show details' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await user.click(toggle);
    expect(screen.getByRole('button', { name: 'Hide details' })).toHaveAttribute('aria-expanded', 'true');
    const details = screen.getByText('Entities').closest('dl');
    expect(details).not.toBeNull();
    expect(within(details as HTMLElement).getByText('1204')).toBeInTheDocument();
    expect(within(details as HTMLElement).getByText('Detecting')).toBeInTheDocument();
  });

  it('cancels the task through the API', async () => {
    const user = userEvent.setup();
    const task = makeTask({ percent: 20 });
    let cancelled: string | undefined;
    server.use(
      http.post('/api/tasks/:id/cancel', ({ params }) => {
        cancelled = String(params.id);
        return HttpResponse.json({ task: finish(task, 'cancelled') }, { status: 202 });
      }),
    );
    renderWithProviders(<ProgressCard task={task} />);
    await user.click(screen.getByRole('button', { name: 'Cancel Rebuilding Communities' }));
    await vi.waitFor(() => expect(cancelled).toBe(task.id));
    await vi.waitFor(() => expect(useTaskStore.getState().byId[task.id]?.status).toBe('cancelled'));
  });
});
