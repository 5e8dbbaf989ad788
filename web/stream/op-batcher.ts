import type { Task, TaskOp } from '../../protocol';

/** Runs `callback` once, later; returns a cancel function. */
export type Schedule = (callback: () => void) => () => void;

/**
 * Next animation frame while the page is visible; a short timer while hidden, where browsers pause
 * animation frames (a hidden leader tab must still flush, to relay to the other tabs).
 */
const frameSchedule: Schedule = (callback) => {
  if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && !document.hidden) {
    let done = false;
    const frame = requestAnimationFrame(() => {
      done = true;
      callback();
    });
    // A frame that does not come (the tab was hidden meanwhile) is replaced by a timer.
    const fallback = setTimeout(() => {
      if (!done) {
        cancelAnimationFrame(frame);
        callback();
      }
    }, 250);
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(fallback);
    };
  }
  const timer = setTimeout(callback, 50);
  return () => clearTimeout(timer);
};

type Pending = { kind: 'tasks'; byId: Map<string, Task> } | Exclude<TaskOp, { kind: 'tasks' }>;

/**
 * Collects ops between two frames and hands them over in one call: runs of task updates are
 * coalesced per task (the highest version wins, so a terminal update is never lost to an older
 * one), and snapshots, loads and clears keep their place in the order.
 */
export class OpBatcher {
  private pending: Pending[] = [];
  private cancel: (() => void) | null = null;

  constructor(
    private readonly flushTo: (ops: TaskOp[]) => void,
    private readonly schedule: Schedule = frameSchedule,
  ) {}

  push(op: TaskOp): void {
    if (op.kind === 'tasks') {
      let last = this.pending[this.pending.length - 1];
      if (last?.kind !== 'tasks') {
        last = { kind: 'tasks', byId: new Map() };
        this.pending.push(last);
      }
      for (const task of op.tasks) {
        const known = last.byId.get(task.id);
        if (!known || task.version > known.version) last.byId.set(task.id, task);
      }
    } else {
      // A load or clear makes everything queued before it moot.
      if (op.kind === 'load' || op.kind === 'clear') this.pending = [];
      this.pending.push(op);
    }
    this.cancel ??= this.schedule(() => this.flush());
  }

  /** Hands over what is queued now (also called by tests and before a tab hands over). */
  flush(): void {
    this.cancel?.();
    this.cancel = null;
    if (!this.pending.length) return;
    const ops: TaskOp[] = this.pending.map((p) =>
      p.kind === 'tasks' ? { kind: 'tasks', tasks: [...p.byId.values()] } : p,
    );
    this.pending = [];
    this.flushTo(ops);
  }

  get size(): number {
    return this.pending.length;
  }

  dispose(): void {
    this.cancel?.();
    this.cancel = null;
    this.pending = [];
  }
}
