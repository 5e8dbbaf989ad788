import { describe, expect, it } from 'vitest';
import { type InboxEntry, inboxEntryFromTask, inboxMaxEntries, inboxView, nextReadMarker } from './inbox';
import type { Task } from './task';

const base: Task = {
  id: 't_inboxrule0001',
  type: 'po_processing',
  ownerId: 'alice',
  status: 'running',
  progress: { current: 1, total: 3, percent: 33 },
  trigger: 'manual',
  version: 2,
  createdAt: '2026-01-01T10:00:00.000Z',
  updatedAt: '2026-01-01T10:00:05.000Z',
  startedAt: '2026-01-01T10:00:01.000Z',
};

function entry(taskId: string, finishedAt: string): InboxEntry {
  return {
    taskId,
    type: 'seo_init',
    status: 'completed',
    text: 'done',
    finishedAt,
    durationMs: 1,
    href: '/reddit',
  };
}

describe('inboxEntryFromTask', () => {
  it('is null while the task runs', () => {
    expect(inboxEntryFromTask(base)).toBeNull();
  });

  it('takes the duration from start to finish and the page of the type', () => {
    const done = {
      ...base,
      status: 'completed' as const,
      message: 'Saved 5 line items',
      finishedAt: '2026-01-01T10:01:01.000Z',
    };
    expect(inboxEntryFromTask(done)).toEqual({
      taskId: base.id,
      type: 'po_processing',
      status: 'completed',
      text: 'Saved 5 line items',
      finishedAt: '2026-01-01T10:01:01.000Z',
      durationMs: 60_000,
      href: '/purchase-orders',
    });
  });

  it('reads the error of a failure and links a run to its own page', () => {
    const failed = { ...base, type: 'job_run' as const, status: 'failed' as const, error: 'Exit code 1' };
    expect(inboxEntryFromTask(failed)).toMatchObject({ text: 'Exit code 1', href: `/runs/${base.id}` });
  });
});

describe('inboxView', () => {
  it('keeps one entry per task, newest first, and counts those after the marker', () => {
    const a = entry('t_aaaaaaaa', '2026-01-01T10:00:00.000Z');
    const b = entry('t_bbbbbbbb', '2026-01-01T11:00:00.000Z');
    const view = inboxView([a, b, { ...a, text: 'repeat' }], '2026-01-01T10:30:00.000Z');
    expect(view.entries.map((e) => e.taskId)).toEqual(['t_bbbbbbbb', 't_aaaaaaaa']);
    expect(view.entries[1]?.text).toBe('done');
    expect(view.unseen).toBe(1);
  });

  it('is bounded', () => {
    const many = Array.from({ length: inboxMaxEntries + 3 }, (_, i) =>
      entry(`t_${String(i).padStart(8, '0')}`, new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()),
    );
    const view = inboxView(many, null);
    expect(view.entries).toHaveLength(inboxMaxEntries);
    expect(view.unseen).toBe(inboxMaxEntries);
    expect(view.entries.at(-1)?.taskId).toBe('t_00000003');
  });
});

describe('nextReadMarker', () => {
  const newest = '2026-01-01T12:00:00.000Z';
  it('moves forward and stops at the newest entry', () => {
    expect(nextReadMarker(null, '2026-01-01T11:00:00.000Z', newest)).toBe('2026-01-01T11:00:00.000Z');
    expect(nextReadMarker(null, '2999-01-01T00:00:00.000Z', newest)).toBe(newest);
  });
  it('stays when asked to move back or when the inbox is empty', () => {
    expect(nextReadMarker(newest, '2026-01-01T11:00:00.000Z', newest)).toBeNull();
    expect(nextReadMarker(null, newest, null)).toBeNull();
  });
});
