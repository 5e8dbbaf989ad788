import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ANNOUNCE_BURST_MS,
  setProgressStackCollapsed,
  trackProgressStack,
} from '../../../stores/progress-stack-store';
import { applyTaskOps, subscribeTaskChanges } from '../../../stores/task-store';
import { advance, finish, makeTask } from '../../../test/factories';
import { renderWithProviders } from '../../../test/render';
import { progressTitle } from '../use-tab-title-progress';
import { GlobalProgress } from './global-progress';

describe('GlobalProgress', () => {
  let unsubscribe: () => void;
  beforeEach(() => {
    setProgressStackCollapsed(false);
    unsubscribe = subscribeTaskChanges(trackProgressStack);
  });
  afterEach(() => {
    unsubscribe();
    vi.useRealTimers();
  });

  const apply = (...tasks: Parameters<typeof makeTask>[0][]) => {
    const made = tasks.map((t) => makeTask(t));
    act(() => {
      applyTaskOps([{ kind: 'tasks', tasks: made }]);
    });
    return made;
  };

  it('shows a card per running task, newest first, on any page', () => {
    renderWithProviders(<GlobalProgress />);
    apply({ type: 'rebuild_communities', percent: 30 });
    apply({ type: 'po_processing', percent: 10 });
    const cards = screen.getAllByRole('article');
    expect(cards.map((c) => c.getAttribute('aria-label'))).toEqual([
      'Processing Purchase Order: running',
      'Rebuilding Communities: running',
    ]);
  });

  it('does not show tasks that had already ended when the page loaded', () => {
    renderWithProviders(<GlobalProgress />);
    act(() => {
      applyTaskOps([{ kind: 'load', tasks: [finish(makeTask(), 'completed')] }]);
    });
    expect(screen.queryByRole('article')).not.toBeInTheDocument();
  });

  it('announces a completion politely and a failure assertively', () => {
    vi.useFakeTimers();
    renderWithProviders(<GlobalProgress />);
    const [ok, bad] = apply({ type: 'rebuild_communities', percent: 90 }, { percent: 20 });
    if (!ok || !bad) throw new Error('no task');
    act(() => {
      applyTaskOps([{ kind: 'tasks', tasks: [finish(ok, 'completed')] }]);
    });
    act(() => vi.advanceTimersByTime(ANNOUNCE_BURST_MS));
    const polite = screen.getByTestId('progress-announcer-polite');
    expect(polite).toHaveAttribute('aria-live', 'polite');
    expect(polite).toHaveTextContent('Rebuilding Communities: Completed! 12 communities and 348 edges');
    act(() => {
      applyTaskOps([{ kind: 'tasks', tasks: [finish(bad, 'failed', { error: 'Graph database timeout.' })] }]);
    });
    act(() => vi.advanceTimersByTime(ANNOUNCE_BURST_MS));
    const assertive = screen.getByTestId('progress-announcer-assertive');
    expect(assertive).toHaveAttribute('aria-live', 'assertive');
    expect(assertive).toHaveTextContent('Rebuilding Communities failed: Graph database timeout.');
  });

  it('folds into one pill that says how far the tasks are, and remembers it', async () => {
    const user = userEvent.setup();
    const { unmount } = renderWithProviders(<GlobalProgress />);
    apply({ percent: 10 }, { percent: 20 }, { percent: 30 }, { percent: 40 }, { percent: 50 });
    const pill = screen.getByRole('button', { name: /5 tasks · 30 %/ });
    expect(pill).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getAllByRole('article')).toHaveLength(5);
    await user.click(pill);
    expect(pill).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByRole('article')).not.toBeInTheDocument();
    expect(localStorage.getItem('taskstream:progress-stack-collapsed')).toBe('true');
    unmount();
    renderWithProviders(<GlobalProgress />);
    expect(screen.getByRole('button', { name: /5 tasks · 30 %/ })).toHaveAttribute('aria-expanded', 'false');
  });

  it('keeps focus in the stack when a card is dismissed', async () => {
    const user = userEvent.setup();
    renderWithProviders(<GlobalProgress />);
    const [a, b] = apply({ percent: 10 }, { percent: 20 });
    if (!a || !b) throw new Error('no task');
    act(() => {
      applyTaskOps([{ kind: 'tasks', tasks: [finish(b, 'completed')] }]);
    });
    await user.click(screen.getByRole('button', { name: 'Dismiss Rebuilding Communities' }));
    expect(document.activeElement).not.toBe(document.body);
    expect(document.activeElement?.closest('section')).toHaveAccessibleName('Background tasks');
  });

  it('updates a card when its task makes progress', () => {
    renderWithProviders(<GlobalProgress />);
    const [task] = apply({ percent: 10 });
    if (!task) throw new Error('no task');
    act(() => {
      applyTaskOps([{ kind: 'tasks', tasks: [advance(task, { percent: 75 })] }]);
    });
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '75');
  });
});

describe('progressTitle', () => {
  it('names the one running task and its percent, or counts several', () => {
    const a = makeTask({ percent: 40 });
    const b = makeTask({ type: 'reddit_leads', progress: { current: 8, total: 10, percent: 80 } });
    expect(progressTitle({ [a.id]: a })).toBe('(40%) Rebuilding Communities — taskstream');
    expect(progressTitle({ [a.id]: a, [b.id]: b })).toBe('(60%) 2 tasks — taskstream');
    expect(progressTitle({ [a.id]: finish(a, 'completed') })).toBeNull();
  });
});
