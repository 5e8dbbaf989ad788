import { isTerminal, stagesOf, type Task } from '../../../protocol';

export interface PipelineSummary {
  queued: number;
  processing: number;
  /** Running POs per stage, in stage order. */
  byStage: readonly { stage: string; count: number }[];
  completed: number;
  failed: number;
}

const poStages = stagesOf('po_processing');

/** Counts of today's POs by where their latest attempt is: queued, processing (per stage), completed, failed. */
export function summarizePipeline(tasks: readonly (Task | null | undefined)[], now: Date): PipelineSummary {
  const today = now.toDateString();
  const byStage = new Map(poStages.map((stage) => [stage, 0]));
  let queued = 0;
  let processing = 0;
  let completed = 0;
  let failed = 0;
  for (const task of tasks) {
    if (!task || new Date(task.createdAt).toDateString() !== today) continue;
    if (task.status === 'pending' || (task.status === 'running' && !task.stage)) queued += 1;
    else if (!isTerminal(task.status)) {
      processing += 1;
      if (task.stage) byStage.set(task.stage, (byStage.get(task.stage) ?? 0) + 1);
    } else if (task.status === 'completed') completed += 1;
    else failed += 1;
  }
  return {
    queued,
    processing,
    byStage: poStages.map((stage) => ({ stage, count: byStage.get(stage) ?? 0 })),
    completed,
    failed,
  };
}
