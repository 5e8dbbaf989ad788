import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { getTaskType, taskTypeNames } from '../../../../protocol';
import { useTaskStore } from '../../../stores/task-store';
import { finish, makeTask } from '../../../test/factories';
import { server } from '../../../test/msw-server';
import { renderWithProviders } from '../../../test/render';
import { detailLabel, detailValue } from '../detail-format';
import { LiveProgressCard } from './live-progress-card';
import { ProgressCard } from './progress-card';

describe('ProgressCard', () => {
  it('shows the registry title, percent bar, step, message and ETA of a running task', () => {
    const task = makeTask({
      type: 'reddit_leads',
      progress: { current: 3, total: 10, percent: 30 },
      message: 'Searching batch 3 of 10: subreddit:SaaS how do you track sales leads',
      etaMs: 12_000,
    });
    renderWithProviders(<ProgressCard task={task} />);
    const title = screen.getByRole('heading', { name: 'Finding Reddit Leads' });
    // The whole title, however narrow the card: it wraps rather than truncates.
    expect(title.className).not.toMatch(/\btruncate\b/);
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

  it('shows the completion message once, without a badge repeating it', () => {
    const task = finish(makeTask({ type: 'rebuild_communities' }), 'completed');
    renderWithProviders(<ProgressCard task={task} onDismiss={() => undefined} />);
    expect(screen.getByText('Completed! 12 communities and 348 edges')).toBeInTheDocument();
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
    expect(screen.queryByText('Completed')).not.toBeInTheDocument();
  });

  it('says Cancelled once on a cancelled card', () => {
    const task = finish(makeTask(), 'cancelled', { message: 'Cancelled' });
    renderWithProviders(<ProgressCard task={task} onDismiss={() => undefined} />);
    expect(screen.getAllByText('Cancelled')).toHaveLength(1);
  });

  it('shows the error of a failed task and offers Retry', async () => {
    const user = userEvent.setup();
    const onRetry = vi.fn();
    const task = finish(makeTask(), 'failed', {
      error: 'Community detection failed: the graph database did not answer in time.',
    });
    renderWithProviders(<ProgressCard task={task} onRetry={onRetry} onDismiss={() => undefined} />);
    expect(screen.getByText(/Community detection failed/)).toBeInTheDocument();
    expect(screen.getByRole('article')).toHaveAttribute('data-status', 'failed');
    await user.click(screen.getByRole('button', { name: 'Retry Rebuilding Communities' }));
    expect(onRetry).toHaveBeenCalledTimes(1);
  });

  it('expands details with stage, live data and result', async () => {
    const user = userEvent.setup();
    const task = makeTask({ stage: 'detecting', data: { entities: 1204 } });
    renderWithProviders(<ProgressCard task={task} />);
    const toggle = screen.getByRole('button', { name: 'Show details of Rebuilding Communities' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await user.click(toggle);
    expect(screen.getByRole('button', { name: 'Hide details of Rebuilding Communities' })).toHaveAttribute(
      'aria-expanded',
      'true',
    );
    const details = screen.getByText('Entities').closest('dl') as HTMLElement;
    expect(within(details).getByText('1,204')).toBeInTheDocument();
    expect(within(details).getByText('Detecting')).toBeInTheDocument();
  });

  it('labels details as people say them, with units', async () => {
    const user = userEvent.setup();
    const task = makeTask({
      type: 'po_processing',
      stage: 'ai_parsing',
      data: { poNumber: 'PO-2025-0142', stageProgress: 33 },
      result: { confidence: 0.94 },
    });
    renderWithProviders(<ProgressCard task={task} />);
    await user.click(screen.getByRole('button', { name: 'Show details of Processing Purchase Order' }));
    const details = screen.getByText('PO number').closest('dl') as HTMLElement;
    expect(within(details).getByText('AI parsing')).toBeInTheDocument();
    expect(within(details).getByText('Stage progress')).toBeInTheDocument();
    expect(within(details).getByText('33 %')).toBeInTheDocument();
    expect(within(details).getByText('94 %')).toBeInTheDocument();
  });

  it('moves focus to Dismiss when its Cancel button goes away', async () => {
    const user = userEvent.setup();
    const task = makeTask({ percent: 20 });
    const { rerender } = render(
      <ProgressCard task={task} onCancel={() => undefined} onDismiss={() => undefined} />,
    );
    await user.click(screen.getByRole('button', { name: 'Cancel Rebuilding Communities' }));
    rerender(
      <ProgressCard
        task={finish(task, 'cancelled')}
        onCancel={() => undefined}
        onDismiss={() => undefined}
      />,
    );
    expect(screen.getByRole('button', { name: 'Dismiss Rebuilding Communities' })).toHaveFocus();
  });

  it('cancels the task through the API from the stack', async () => {
    const user = userEvent.setup();
    const task = makeTask({ percent: 20 });
    let cancelled: string | undefined;
    server.use(
      http.post('/api/tasks/:id/cancel', ({ params }) => {
        cancelled = String(params.id);
        return HttpResponse.json({ task: finish(task, 'cancelled') }, { status: 202 });
      }),
    );
    useTaskStore.setState({ byId: { [task.id]: task } });
    renderWithProviders(<LiveProgressCard id={task.id} />);
    await user.click(screen.getByRole('button', { name: 'Cancel Rebuilding Communities' }));
    await vi.waitFor(() => expect(cancelled).toBe(task.id));
    await vi.waitFor(() => expect(useTaskStore.getState().byId[task.id]?.status).toBe('cancelled'));
  });
});

describe('detail labels', () => {
  it('reads every data and result key of the registry with acronyms kept and units named', () => {
    for (const type of taskTypeNames) {
      const def = getTaskType(type);
      const entries = [
        ...def.steps.flatMap((step) => Object.entries(step.data ?? {})),
        ...Object.entries(def.result),
      ];
      for (const [key, value] of entries) {
        const label = detailLabel(key);
        expect(label, key).not.toMatch(/\b(Ai|Po|Seo|Api)\b/);
        expect(label, key).not.toMatch(/_|[a-z][A-Z]/);
        if (/Percent$|stageProgress/.test(key)) expect(detailValue(key, value), key).toMatch(/ %$/);
        if (/Ms$/.test(key)) expect(detailValue(key, value), key).toMatch(/ (s|min)$/);
      }
    }
  });
});
