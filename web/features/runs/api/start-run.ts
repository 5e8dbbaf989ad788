import { useMutation } from '@tanstack/react-query';
import type { JobId, Task, TestSuiteId } from '../../../../protocol';
import { startTask } from '../../tasks/api/start-task';

export type StartRunInput =
  | { kind: 'test'; suite: TestSuiteId; makeItFail: boolean }
  | { kind: 'job'; job: JobId; makeItFail: boolean };

/** Starts a `test_run` or `job_run`; it joins the store at once and its progress arrives over the stream. */
function startRun(input: StartRunInput): Promise<Task> {
  return input.kind === 'test'
    ? startTask({ type: 'test_run', params: { suite: input.suite, makeItFail: input.makeItFail } })
    : startTask({ type: 'job_run', params: { job: input.job, makeItFail: input.makeItFail } });
}

export function useStartRun() {
  return useMutation({ mutationFn: startRun });
}
