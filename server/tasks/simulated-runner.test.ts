import { getEventListeners } from 'node:events';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { newTask, type ScriptedStep, type Task } from '../../protocol';
import { newTaskId } from './keys';
import type { ProgressTracker } from './progress-tracker';
import { SimulatedRunner } from './simulated-runner';

const task: Task = newTask(
  { id: newTaskId('user-1'), ownerId: 'user-1', type: 'seo_init', total: 100 },
  new Date(),
);

/** A tracker that records the reports, and at each the abort listeners left on `signal()`. */
function fakeTracker(signal: () => AbortSignal | undefined) {
  const listenersAtReport: number[] = [];
  const failed: string[] = [];
  const tracker = {
    update: async () => {
      const s = signal();
      if (s) listenersAtReport.push(getEventListeners(s, 'abort').length);
      return task;
    },
    fail: async (id: string) => {
      failed.push(id);
      return task;
    },
  } as unknown as ProgressTracker;
  return { tracker, listenersAtReport, failed };
}

function script(steps: number, durationMs = 0): ScriptedStep[] {
  return Array.from({ length: steps }, (_, i) => ({ durationMs, patch: { progress: { current: i + 1 } } }));
}

describe('SimulatedRunner', () => {
  afterEach(() => vi.restoreAllMocks());

  it('leaves no abort listener behind after each step of a long script', async () => {
    // run() reaches its first sleep synchronously: the first abort listener added is the worker's.
    const add = vi.spyOn(EventTarget.prototype, 'addEventListener');
    const workerSignal = () => add.mock.contexts.find((c): c is AbortSignal => c instanceof AbortSignal);
    const fake = fakeTracker(workerSignal);
    const runner = new SimulatedRunner(fake.tracker, { speed: 1, log: pino({ level: 'silent' }) });
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      add.mockClear();
      runner.run(task, {}, script(50));
      expect(workerSignal()).toBeDefined();
      await vi.waitFor(() => expect(runner.activeCount).toBe(0));
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(fake.listenersAtReport).toHaveLength(50);
    expect(fake.listenersAtReport.filter((n) => n > 0)).toEqual([]);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('stopAll still interrupts a step mid-sleep and fails its task', async () => {
    const fake = fakeTracker(() => undefined);
    const runner = new SimulatedRunner(fake.tracker, { speed: 1, log: pino({ level: 'silent' }) });
    runner.run(task, {}, script(1, 60_000));
    expect(runner.activeCount).toBe(1);
    const started = Date.now();
    await runner.stopAll();
    await vi.waitFor(() => expect(runner.activeCount).toBe(0));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(fake.failed).toEqual([task.id]);
    expect(fake.listenersAtReport).toEqual([]);
  });
});
