import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Task } from '../../../protocol';
import {
  clearProgressStack,
  trackProgressStack,
  useProgressStackStore,
} from '../../stores/progress-stack-store';
import { applyTaskOps, subscribeTaskChanges } from '../../stores/task-store';
import { advance, finish, makeTask } from '../../test/factories';
import { setPageVisibility } from '../../test/page-visibility';
import { useTabTitleProgress } from './use-tab-title-progress';

const originalIcon = 'data:image/svg+xml,page-icon';

/** A 2D context that remembers the colours drawn, so a test can tell a ring from a badge. */
function fakeCanvas() {
  const drawn: string[] = [];
  const ctx = new Proxy(
    {},
    {
      get: (_target, prop) => (prop === 'fillStyle' || prop === 'strokeStyle' ? '' : () => undefined),
      set: (_target, prop, value) => {
        if (prop === 'fillStyle' || prop === 'strokeStyle') drawn.push(String(value));
        return true;
      },
    },
  );
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(ctx as CanvasRenderingContext2D);
  vi.spyOn(HTMLCanvasElement.prototype, 'toDataURL').mockImplementation(
    () => `data:image/png;colours=${drawn.splice(0).join(',')}`,
  );
}

const iconHref = () => document.querySelector('link[rel="icon"]')?.getAttribute('href');
const apply = (...tasks: Task[]) =>
  act(() => {
    applyTaskOps([{ kind: 'tasks', tasks }]);
  });

describe('useTabTitleProgress', () => {
  beforeEach(() => {
    document.title = 'Communities — taskstream';
    const link = document.createElement('link');
    link.rel = 'icon';
    link.setAttribute('href', originalIcon);
    document.head.append(link);
    fakeCanvas();
  });
  afterEach(() => {
    setPageVisibility('visible');
    document.head.querySelector('link[rel="icon"]')?.remove();
    vi.restoreAllMocks();
  });

  it('shows progress and then the outcome while hidden, until the tab is seen again', () => {
    renderHook(() => useTabTitleProgress());
    const task = makeTask({ type: 'rebuild_communities', percent: 30 });
    apply(task);
    expect(document.title).toBe('Communities — taskstream');

    setPageVisibility('hidden');
    expect(document.title).toBe('(30%) Rebuilding Communities — taskstream');
    expect(iconHref()).toBe('data:image/png;colours=#c7d2fe,#4f46e5');

    apply(finish(advance(task, { percent: 90 }), 'completed'));
    expect(document.title).toBe('✓ Done — Rebuilding Communities');
    expect(iconHref()).toBe('data:image/png;colours=#059669,#ffffff');

    setPageVisibility('visible');
    expect(document.title).toBe('Communities — taskstream');
    expect(iconHref()).toBe(originalIcon);
  });

  it('puts a failure first when several tasks end while away', () => {
    renderHook(() => useTabTitleProgress());
    const a = makeTask({ type: 'po_processing', percent: 50 });
    const b = makeTask({ type: 'reddit_leads', percent: 50 });
    const c = makeTask({ type: 'seo_init', percent: 50 });
    apply(a, b, c);
    setPageVisibility('hidden');
    expect(document.title).toBe('(50%) 3 tasks — taskstream');
    apply(finish(a, 'completed'), finish(b, 'failed'), finish(c, 'completed'));
    expect(document.title).toBe('✗ 1 failed, ✓ 2 done — taskstream');
    expect(iconHref()).toBe('data:image/png;colours=#dc2626,#ffffff');
  });

  it('says "✗ Failed" for a single failure and forgets outcomes seen while visible', () => {
    renderHook(() => useTabTitleProgress());
    const seen = makeTask({ type: 'seo_init', percent: 10 });
    const away = makeTask({ type: 'po_processing', percent: 10 });
    apply(seen, away);
    apply(finish(seen, 'completed'));
    setPageVisibility('hidden');
    apply(finish(away, 'failed'));
    expect(document.title).toBe('✗ Failed — Processing Purchase Order');
  });
});

describe('auto-dismiss while the page is hidden', () => {
  let stop: () => void = () => {};
  const ids = () => useProgressStackStore.getState().ids;
  beforeEach(() => {
    vi.useFakeTimers();
    stop = subscribeTaskChanges(trackProgressStack);
  });
  afterEach(() => {
    stop();
    clearProgressStack();
    setPageVisibility('visible');
    vi.useRealTimers();
  });

  it('waits for the page to be seen before counting down', () => {
    const task = makeTask({ percent: 90 });
    apply(task);
    setPageVisibility('hidden');
    apply(finish(task, 'completed'));
    vi.advanceTimersByTime(60_000);
    expect(ids()).toContain(task.id);

    setPageVisibility('visible');
    vi.advanceTimersByTime(5900);
    expect(ids()).toContain(task.id);
    vi.advanceTimersByTime(200);
    expect(ids()).not.toContain(task.id);
  });

  it('stops a countdown that has begun when the page is hidden, and resumes it with the time left', () => {
    const task = makeTask({ percent: 90 });
    apply(task);
    apply(finish(task, 'failed'));
    vi.advanceTimersByTime(10_000);
    setPageVisibility('hidden');
    vi.advanceTimersByTime(60_000);
    expect(ids()).toContain(task.id);
    setPageVisibility('visible');
    vi.advanceTimersByTime(4900);
    expect(ids()).toContain(task.id);
    vi.advanceTimersByTime(200);
    expect(ids()).not.toContain(task.id);
  });
});
