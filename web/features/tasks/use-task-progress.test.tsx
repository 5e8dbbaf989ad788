import { act, renderHook } from '@testing-library/react';
import { StrictMode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { Task } from '../../../protocol';
import { setConnectionState } from '../../stores/connection-store';
import { applyTaskOps, mergeTasks } from '../../stores/task-store';
import { advance, finish, makeTask } from '../../test/factories';
import { type TaskProgressCallbacks, useTaskProgress } from './use-task-progress';

function watch(taskId: string | null, callbacks: TaskProgressCallbacks = {}) {
  return renderHook(({ id, cbs }) => useTaskProgress(id, cbs), {
    initialProps: { id: taskId, cbs: callbacks },
    wrapper: StrictMode,
  });
}

function apply(...tasks: Task[]) {
  act(() => {
    mergeTasks(tasks);
  });
}

describe('useTaskProgress', () => {
  it('returns the store task and follows it as events arrive', () => {
    const v1 = makeTask({ type: 'brand_analysis', percent: 20 });
    mergeTasks([v1]);
    const { result } = watch(v1.id);
    expect(result.current.task?.progress.percent).toBe(20);
    apply(advance(v1, { percent: 60, stage: 'analyzing' }));
    expect(result.current.task).toMatchObject({ stage: 'analyzing', progress: { percent: 60 } });
    expect(result.current.error).toBeNull();
  });

  it('calls onProgress once per new version and never for a replayed one', () => {
    const onProgress = vi.fn();
    const v1 = makeTask({ percent: 10 });
    mergeTasks([v1]);
    watch(v1.id, { onProgress });
    const v2 = advance(v1, { percent: 40 });
    apply(v2);
    apply(v2);
    apply(v1);
    expect(onProgress.mock.calls.map(([task]) => task.progress.percent)).toEqual([40]);
  });

  it('calls onComplete once when the completed event is replayed and the component re-renders', () => {
    const onComplete = vi.fn();
    const v1 = makeTask({ type: 'brand_analysis', percent: 80 });
    mergeTasks([v1]);
    const hook = watch(v1.id, { onComplete });
    const done = finish(v1, 'completed');
    apply(done);
    hook.rerender({ id: v1.id, cbs: { onComplete } });
    // A reconnect that resumes from an older id delivers the same final event again.
    apply(done);
    act(() => {
      applyTaskOps([{ kind: 'snapshot', tasks: [done], replace: true }]);
    });
    expect(onComplete).toHaveBeenCalledTimes(1);
    expect(onComplete.mock.calls[0]?.[0].result).toMatchObject({ positivePercent: 68 });
  });

  it('calls onError with the readable message and exposes it as error when the task fails', () => {
    const onError = vi.fn();
    const onComplete = vi.fn();
    const v1 = makeTask();
    mergeTasks([v1]);
    const { result } = watch(v1.id, { onError, onComplete });
    apply(finish(v1, 'failed', { error: 'API rate limit exceeded' }));
    expect(onError).toHaveBeenCalledExactlyOnceWith('API rate limit exceeded', expect.anything());
    expect(onComplete).not.toHaveBeenCalled();
    expect(result.current.error).toBe('API rate limit exceeded');
  });

  it('treats a cancelled task as an error', () => {
    const onError = vi.fn();
    const v1 = makeTask();
    mergeTasks([v1]);
    const { result } = watch(v1.id, { onError });
    apply(finish(v1, 'cancelled'));
    expect(onError).toHaveBeenCalledOnce();
    expect(result.current.error).toMatch(/cancelled/);
  });

  it('stays silent for a task that had already finished when it was first rendered', () => {
    const onComplete = vi.fn();
    const done = finish(makeTask(), 'completed');
    mergeTasks([done]);
    const { result } = watch(done.id, { onComplete });
    expect(result.current.task?.status).toBe('completed');
    expect(onComplete).not.toHaveBeenCalled();
  });

  it('reports a task that first reaches the store after the hook started watching its id', () => {
    const onComplete = vi.fn();
    const task = makeTask();
    const { result } = watch(task.id, { onComplete });
    expect(result.current.task).toBeUndefined();
    apply(finish(task, 'completed'));
    expect(onComplete).toHaveBeenCalledOnce();
  });

  it('uses the latest callbacks without resubscribing when the caller passes new ones', () => {
    const first = vi.fn();
    const second = vi.fn();
    const v1 = makeTask();
    mergeTasks([v1]);
    const hook = watch(v1.id, { onProgress: first });
    hook.rerender({ id: v1.id, cbs: { onProgress: second } });
    apply(advance(v1, { percent: 50 }));
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledOnce();
  });

  it('ignores other tasks and follows a new id when the caller switches', () => {
    const onProgress = vi.fn();
    const a = makeTask();
    const b = makeTask();
    mergeTasks([a, b]);
    const hook = watch(a.id, { onProgress });
    apply(advance(b, { percent: 30 }));
    expect(onProgress).not.toHaveBeenCalled();
    hook.rerender({ id: b.id, cbs: { onProgress } });
    apply(advance(a, { percent: 70 }));
    expect(onProgress).not.toHaveBeenCalled();
    expect(hook.result.current.task?.id).toBe(b.id);
  });

  it('says it is live only while the stream is live', () => {
    const { result } = watch(null);
    expect(result.current.isLive).toBe(false);
    act(() => setConnectionState({ status: 'live', since: Date.now() }));
    expect(result.current.isLive).toBe(true);
    act(() => setConnectionState({ status: 'polling', intervalMs: 5000, attempt: 1, nextAt: Date.now() }));
    expect(result.current.isLive).toBe(false);
  });
});
