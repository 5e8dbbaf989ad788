import { isTerminal, type Task } from '../../../../protocol';
import { stageLabel } from '../../../lib/format';

export type FeedKind = 'stage-started' | 'stage-completed' | 'progress' | 'error' | 'completed';

export interface FeedEntry {
  id: string;
  /** Epoch ms when the change arrived. */
  at: number;
  kind: FeedKind;
  taskId: string;
  /** The PO it is about, when the task says (every PO task does from its first report). */
  poId?: string;
  poNumber?: string;
  stage?: string;
  message: string;
}

type NewEntry = Omit<FeedEntry, 'id'>;

function poFacts(task: Task): Pick<FeedEntry, 'poId' | 'poNumber'> {
  const poId = task.data?.poId;
  const poNumber = task.data?.poNumber;
  return {
    ...(typeof poId === 'string' ? { poId } : {}),
    ...(typeof poNumber === 'string' ? { poNumber } : {}),
  };
}

/**
 * What the feed says about one change of a PO task, from the version before and after. Works from
 * the two versions only (not from each event), so changes the store coalesced into one frame still
 * read right: a stage that ended in between still gets its "completed" line.
 */
export function feedEntriesFor(previous: Task | undefined, task: Task, at: number): NewEntry[] {
  if (task.type !== 'po_processing') return [];
  const base = { at, taskId: task.id, ...poFacts(task) };
  const entries: NewEntry[] = [];
  const stageChanged = task.stage !== undefined && task.stage !== previous?.stage;
  const failed = task.status === 'failed' || task.status === 'cancelled';
  if (stageChanged && previous?.stage && !failed)
    entries.push({
      ...base,
      kind: 'stage-completed',
      stage: previous.stage,
      message: `${stageLabel(previous.stage)} done`,
    });
  if (failed) {
    const message = task.status === 'cancelled' ? 'Cancelled' : (task.error ?? 'Failed');
    entries.push({ ...base, kind: 'error', ...(task.stage ? { stage: task.stage } : {}), message });
  } else if (task.status === 'completed') {
    if (task.stage)
      entries.push({
        ...base,
        kind: 'stage-completed',
        stage: task.stage,
        message: `${stageLabel(task.stage)} done`,
      });
    entries.push({ ...base, kind: 'completed', message: task.message ?? 'Completed' });
  } else if (stageChanged && task.stage) {
    entries.push({
      ...base,
      kind: 'stage-started',
      stage: task.stage,
      message: task.message ?? `${stageLabel(task.stage)} started`,
    });
  } else if (task.message && task.message !== previous?.message && !isTerminal(task.status)) {
    entries.push({
      ...base,
      kind: 'progress',
      ...(task.stage ? { stage: task.stage } : {}),
      message: task.message,
    });
  }
  return entries;
}
