import { getTaskType, stagesOf, type Task } from '../../../protocol';
import { stageLabel } from '../../lib/format';

export type PoStageState = 'waiting' | 'running' | 'done' | 'failed';

export interface PoStageView {
  stage: string;
  label: string;
  state: PoStageState;
  /** 0..100 within the stage: the share of its scripted steps reached. */
  percent: number;
}

const poStages = stagesOf('po_processing');
const poSteps = getTaskType('po_processing').steps;

/**
 * A PO task's three stages. The task's `stage` names where it is (and, once failed, the stage that
 * broke); stages before it are done, stages after it wait. No task yet: everything waits.
 */
export function poStageViews(task: Task | null | undefined): PoStageView[] {
  const at = task?.stage ? poStages.indexOf(task.stage) : -1;
  return poStages.map((stage, index) => {
    const steps = poSteps.filter((s) => s.stage === stage);
    const reached = task ? steps.filter((s) => s.current <= task.progress.current).length : 0;
    let state: PoStageState = 'waiting';
    if (task?.status === 'completed' || index < at) state = 'done';
    else if (index === at) {
      if (task?.status === 'failed' || task?.status === 'cancelled') state = 'failed';
      else state = reached === steps.length && task?.status !== 'running' ? 'done' : 'running';
    }
    const percent = state === 'done' ? 100 : Math.round((reached / Math.max(1, steps.length)) * 100);
    return { stage, label: stageLabel(stage), state, percent };
  });
}
