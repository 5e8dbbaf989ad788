/**
 * The gallery's tasks, every one made from the registry through protocol's task scripts
 * (`taskScript`: the registry's steps, messages, data, results and fail messages) — never a copied
 * text. Times are fixed, so that the gallery looks the same on every visit.
 */

import {
  cancelledTask,
  failStepFor,
  getTaskType,
  percentOf,
  stagesOf,
  type Task,
  type TaskType,
  taskScript,
  taskTypeNames,
} from '../../protocol';

/** When every gallery task was created: 09:41:00 UTC. */
export const demoCreatedAt = Date.UTC(2025, 0, 6, 9, 41, 0);

export type DemoState =
  | { kind: 'pending' }
  | { kind: 'running'; percent: number }
  | { kind: 'completed' }
  /** Fails in `stage` (default the type's middle stage, as the `failure` scenario does). */
  | { kind: 'failed'; stage?: string }
  | { kind: 'cancelled'; percent: number };

function scriptOf(type: TaskType, id: string, failAtStep: number | null = null) {
  return taskScript({ id, ownerId: 'demo', type, createdAt: demoCreatedAt, failAtStep });
}

/** The middle stage of a type, where the gallery's failures happen by default (as in `failure`). */
export function middleStage(type: TaskType): string {
  const stages = stagesOf(type);
  return stages[Math.floor(stages.length / 2)] ?? '';
}

/** The state of a running task at `percent`: the registry step reached by then, at exactly that percent. */
function runningAt(type: TaskType, id: string, percent: number): Task {
  const entries = scriptOf(type, id);
  let base = entries[0]!.task;
  for (const entry of entries) {
    if (entry.name === 'progress' && entry.task.progress.percent <= percent) base = entry.task;
  }
  const total = getTaskType(type).total;
  const current = (total * percent) / 100;
  return { ...base, progress: { current, total, percent: Math.min(percent, percentOf(current, total)) } };
}

/** A task of `type` in `state`, as the stream would deliver it. */
export function demoTask(type: TaskType, state: DemoState): Task {
  const label =
    state.kind === 'running' || state.kind === 'cancelled' ? `${state.kind}-${state.percent}` : state.kind;
  const id = `demo-${type.replace(/_/g, '-')}-${label}`;
  switch (state.kind) {
    case 'pending': {
      const { startedAt: _started, ...created } = scriptOf(type, id)[0]!.task;
      return { ...created, status: 'pending' };
    }
    case 'running':
      return runningAt(type, id, state.percent);
    case 'completed':
      return scriptOf(type, id).at(-1)!.task;
    case 'failed':
      return scriptOf(type, id, failStepFor(type, state.stage ?? middleStage(type))).at(-1)!.task;
    case 'cancelled': {
      const task = runningAt(type, id, state.percent);
      return cancelledTask(task, new Date(Date.parse(task.updatedAt) + 1500));
    }
  }
}

export interface DemoStateEntry {
  /** Stable key and test id: `running-37`. */
  key: string;
  /** What the gallery's caption says. */
  label: string;
  state: DemoState;
}

/** Every task state the gallery shows side by side. */
export const taskStates: readonly DemoStateEntry[] = [
  { key: 'pending', label: 'Pending', state: { kind: 'pending' } },
  { key: 'running-0', label: 'Running, 0 %', state: { kind: 'running', percent: 0 } },
  { key: 'running-37', label: 'Running, 37 %', state: { kind: 'running', percent: 37 } },
  { key: 'running-100', label: 'Running, 100 %', state: { kind: 'running', percent: 100 } },
  { key: 'completed', label: 'Completed', state: { kind: 'completed' } },
  { key: 'failed', label: 'Failed', state: { kind: 'failed' } },
  { key: 'cancelled', label: 'Cancelled', state: { kind: 'cancelled', percent: 37 } },
];

/** One running task of every registry type, each at a different one of its scripted steps: "many tasks". */
export function manyTasks(): Task[] {
  return taskTypeNames.map((type, i) => {
    const steps = scriptOf(type, `demo-many-${type.replace(/_/g, '-')}`).filter((e) => e.name === 'progress');
    return steps[(i * 3) % Math.max(1, steps.length - 1)]!.task;
  });
}
