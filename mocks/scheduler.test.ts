import { describe, expect, it } from 'vitest';
import { ManualClock, Scheduler } from './scheduler';

describe('Scheduler', () => {
  it('runs jobs in time then insertion order on a virtual clock, and cancels by group', () => {
    const clock = new ManualClock();
    const scheduler = new Scheduler(clock);
    const ran: string[] = [];
    scheduler.after(20, () => ran.push('b'));
    scheduler.after(10, () => ran.push('a1'));
    scheduler.after(10, () => ran.push('a2'));
    scheduler.after(15, () => ran.push('x'), 'task-x');
    scheduler.after(5, () => scheduler.after(5, () => ran.push('nested')));
    scheduler.cancelGroup('task-x');
    clock.advance(9);
    expect(ran).toEqual([]);
    clock.advance(11);
    expect(ran).toEqual(['a1', 'a2', 'nested', 'b']);
    const stop = scheduler.every(100, () => ran.push('tick'));
    clock.advance(250);
    stop();
    clock.advance(500);
    expect(ran.filter((r) => r === 'tick')).toHaveLength(2);
    expect(scheduler.pending).toBe(0);
  });
});
