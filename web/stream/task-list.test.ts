import { describe, expect, it } from 'vitest';
import { makeTask } from '../test/factories';
import { parseStreamFrame, parseTaskList } from './task-list';

describe('parseTaskList', () => {
  it('keeps the valid tasks and names the rejected one when one task breaks the contract', () => {
    const good = makeTask();
    const parsed = parseTaskList({ tasks: [{ id: 'task_bad', status: 'running' }, good], cursor: '3.4' });
    expect(parsed?.tasks).toEqual([good]);
    expect(parsed?.cursor).toBe('3.4');
    expect(parsed?.rejected.map((r) => r.id)).toEqual(['task_bad']);
  });

  it('reports a rejected task without a readable id as null', () => {
    expect(parseTaskList({ tasks: [42], cursor: '1.1' })?.rejected).toEqual([
      { id: null, reason: expect.any(String) },
    ]);
  });

  it('returns null when the answer around the tasks breaks the contract', () => {
    expect(parseTaskList({ tasks: [] })).toBeNull();
    expect(parseTaskList({ tasks: 'none', cursor: '1.1' })).toBeNull();
  });
});

describe('parseStreamFrame', () => {
  it('drops a task event whose task breaks the contract: it carries one task only', () => {
    const bad = { ...makeTask(), version: 0 };
    expect(parseStreamFrame('progress', JSON.stringify({ task: bad }), '1.2')).toBeNull();
  });

  it('keeps a snapshot with its valid tasks when one task breaks the contract', () => {
    const good = makeTask();
    const frame = parseStreamFrame('snapshot', JSON.stringify({ tasks: [good, { ...good, id: 'x' }] }));
    expect(frame?.event).toEqual({ type: 'snapshot', data: { tasks: [good] } });
    expect(frame?.rejected).toHaveLength(1);
  });

  it('returns null when a snapshot is not JSON or has no task list', () => {
    expect(parseStreamFrame('snapshot', '{"tasks":')).toBeNull();
    expect(parseStreamFrame('snapshot', JSON.stringify({ items: [] }))).toBeNull();
  });
});
