import { Circle, CircleCheck, CircleX, LoaderCircle } from 'lucide-react';
import { runStatusOf, type Task } from '../../../../protocol';
import { RunSection } from './run-section';

const steps = [
  { stage: 'waiting', label: 'Waiting for a runner' },
  { stage: 'running', label: 'Running the tests' },
  { stage: 'reporting', label: 'Publishing the report' },
] as const;

type StepState = 'done' | 'current' | 'todo' | 'failed';

function stepStates(task: Task): StepState[] {
  const status = runStatusOf(task);
  if (status === 'passed') return steps.map(() => 'done');
  // Failing tests fail the running stage; the report of them is still published.
  if (status === 'failed') return steps.map((s) => (s.stage === 'running' ? 'failed' : 'done'));
  const reached = Math.max(
    0,
    steps.findIndex((s) => s.stage === task.stage),
  );
  const atReached: StepState = status === 'error' ? 'failed' : status === 'cancelled' ? 'todo' : 'current';
  return steps.map((_, i) => (i < reached ? 'done' : i > reached ? 'todo' : atReached));
}

const stateText: Record<StepState, string> = {
  done: 'done',
  current: 'in progress',
  todo: 'not started',
  failed: 'stopped here',
};

/** The run's stages, each done, in progress, not started, or where it stopped. */
export function RunSteps({ task }: { task: Task }) {
  const states = stepStates(task);
  return (
    <RunSection title="Steps">
      <ol className="space-y-2">
        {steps.map((step, i) => {
          const state = states[i] ?? 'todo';
          const Icon = { done: CircleCheck, current: LoaderCircle, todo: Circle, failed: CircleX }[state];
          return (
            <li key={step.stage} className="flex items-center gap-2 text-sm">
              <Icon
                aria-hidden="true"
                className={`size-4 ${state === 'done' ? 'text-emerald-600' : state === 'failed' ? 'text-red-600' : state === 'current' ? 'text-blue-600 motion-safe:animate-spin' : 'text-slate-400'}`}
              />
              <span className={state === 'todo' ? 'text-slate-500' : 'text-slate-800'}>{step.label}</span>
              <span className="sr-only">: {stateText[state]}</span>
            </li>
          );
        })}
      </ol>
    </RunSection>
  );
}
