import { act, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { trackProgressStack } from '../../../stores/progress-stack-store';
import { applyTaskOps, subscribeTaskChanges } from '../../../stores/task-store';
import { advance, finish, makeTask } from '../../../test/factories';
import { renderWithProviders } from '../../../test/render';
import { progressTitle } from '../use-tab-title-progress';
import { GlobalProgress } from './global-progress';

describe('GlobalProgress', () => {
  let unsubscribe: () => void;
  beforeEach(() => {
    unsubscribe = subscribeTaskChanges(trackProgressStack);
  });
  afterEach(() => unsubscribe());

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

  it('announces a completion once to screen readers, even when the event is replayed', () => {
    renderWithProviders(<GlobalProgress />);
    const [task] = apply({ type: 'rebuild_communities', percent: 90 });
    if (!task) throw new Error('no task');
    const done = finish(task, 'completed');
    act(() => {
      applyTaskOps([{ kind: 'tasks', tasks: [done] }]);
    });
    const region = screen.getByRole('status');
    expect(region).toHaveTextContent('Rebuilding Communities: Completed! 12 communities and 348 edges');
    expect(region).toHaveAttribute('aria-live', 'polite');
    expect(screen.getByRole('article')).toHaveAttribute('data-status', 'completed');
    const before = region.textContent;
    act(() => {
      applyTaskOps([{ kind: 'tasks', tasks: [done] }]);
    });
    expect(region.textContent).toBe(before);
    expect(screen.getAllByRole('article')).toHaveLength(1);
  });

  it('announces a failure with its error', () => {
    renderWithProviders(<GlobalProgress />);
    const [task] = apply({});
    if (!task) throw new Error('no task');
    act(() => {
      applyTaskOps([
        { kind: 'tasks', tasks: [finish(task, 'failed', { error: 'Graph database timeout.' })] },
      ]);
    });
    expect(screen.getByRole('status')).toHaveTextContent(
      'Rebuilding Communities failed: Graph database timeout.',
    );
  });

  it('collapses to a summary when many tasks run', () => {
    renderWithProviders(<GlobalProgress />);
    apply({ percent: 10 }, { percent: 20 }, { percent: 30 }, { percent: 40 }, { percent: 60 });
    expect(screen.getAllByRole('article')).toHaveLength(3);
    const summary = screen.getByRole('button', { name: /2 more tasks/ });
    expect(summary).toHaveAttribute('aria-expanded', 'false');
    act(() => summary.click());
    expect(screen.getAllByRole('article')).toHaveLength(5);
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
