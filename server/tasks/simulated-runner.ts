import type { Logger } from 'pino';
import {
  failStepFor,
  randomFailStep,
  type ScriptedStep,
  stepScript,
  type Task,
  type TaskParams,
  type TaskType,
} from '../../protocol';
import { AppError } from '../errors';
import type { ProgressTracker } from './progress-tracker';

/**
 * Runs the registry's scripted steps for in-process simulated workers: sleeps each step's
 * duration (divided by SIMULATION_SPEED), reports it, and fails where `params.failAt` or
 * `params.failureRate` asks. A cancelled task makes its next report fail with `task-finished`,
 * which is where the worker stops.
 */
export class SimulatedRunner {
  private readonly running = new Map<string, AbortController>();
  private readonly stepHooks = new Map<TaskType, (task: Task) => Promise<void>>();

  constructor(
    private readonly tracker: ProgressTracker,
    private readonly options: { speed: number; log: Logger; random?: () => number },
  ) {}

  get activeCount(): number {
    return this.running.size;
  }

  /** Runs `hook` with each reported version of a task of `type` (e.g. to store the rows a batch produced). */
  afterStep(type: TaskType, hook: (task: Task) => Promise<void>): void {
    this.stepHooks.set(type, hook);
  }

  /** Runs the type's registry steps, or `script` when given (a job told in its own numbers). */
  run(task: Task, params: TaskParams = {}, script?: readonly ScriptedStep[]): void {
    const controller = new AbortController();
    this.running.set(task.id, controller);
    void this.steps(task, script ?? this.registryScript(task, params), controller.signal)
      .catch((err: unknown) => {
        if (err instanceof AppError && err.code === 'task-finished') return;
        if (controller.signal.aborted) return;
        this.options.log.error({ err, taskId: task.id }, 'simulated worker failed');
      })
      .finally(() => this.running.delete(task.id));
  }

  private registryScript(task: Task, params: TaskParams): ScriptedStep[] {
    const random = this.options.random ?? Math.random;
    const failAtStep =
      failStepFor(task.type, params.failAt) ?? randomFailStep(task.type, params.failureRate ?? 0, random);
    return stepScript(task.type, failAtStep, { taskId: task.id, params });
  }

  private async steps(task: Task, script: readonly ScriptedStep[], signal: AbortSignal): Promise<void> {
    const hook = this.stepHooks.get(task.type);
    for (const step of script) {
      await sleep(step.durationMs / this.options.speed, signal);
      const reported = await this.tracker.update(task.id, step.patch);
      await hook?.(reported);
    }
  }

  /**
   * Stops every worker of this process and marks its task failed, so that no task is left
   * "running" forever by a process that is going away.
   */
  async stopAll(reason = 'Interrupted: the server restarted. Start the task again.'): Promise<void> {
    const ids = [...this.running.keys()];
    for (const controller of this.running.values()) controller.abort();
    await Promise.allSettled(ids.map((id) => this.tracker.fail(id, reason)));
  }
}

/** Waits `ms`, or rejects with the signal's reason once aborted; either way leaves no listener on `signal`. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
