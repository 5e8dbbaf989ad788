import { describe, expect, it } from 'vitest';
import { ContractError } from './errors';
import {
  leadBatchOf,
  leadMetrics,
  pageOfLeads,
  parseLeadsQuery,
  type RedditLead,
  sortLeads,
} from './reddit-leads';
import { taskSchema } from './task';
import { stepScript, taskScript } from './task-lifecycle';
import { getTaskType } from './task-types';

const script = (id: string) =>
  taskScript({ id, ownerId: 'alice', type: 'reddit_leads', createdAt: Date.UTC(2025, 0, 1, 12) });
const leadsOf = (id: string): RedditLead[] => script(id).flatMap((e) => leadBatchOf(e.task) ?? []);

describe('reddit_leads rows', () => {
  it('carries in each batch report as many rows as the registry says it found, within the task schema', () => {
    const steps = getTaskType('reddit_leads').steps;
    const batches = script('t_rowsinbatches1').filter((e) => leadBatchOf(e.task) !== null);
    expect(batches).toHaveLength(steps.length);
    for (const [i, entry] of batches.entries()) {
      expect(leadBatchOf(entry.task)).toHaveLength(Number(steps[i]?.data?.leadsFound));
      expect(taskSchema.safeParse(entry.task).success).toBe(true);
      // A batch event stays small enough to stream at once.
      expect(JSON.stringify(entry.task).length).toBeLessThan(4096);
    }
    const done = script('t_rowsinbatches1').at(-1)?.task;
    expect(done?.message).toBe(`Completed! ${leadsOf('t_rowsinbatches1').length} leads found`);
  });

  it('makes the same rows for the same task and different rows for another', () => {
    expect(leadsOf('t_sametaskagain1')).toEqual(leadsOf('t_sametaskagain1'));
    const other = new Set(leadsOf('t_anothertask001').map((l) => l.title + l.author));
    const overlap = leadsOf('t_sametaskagain1').filter((l) => other.has(l.title + l.author));
    expect(overlap.length).toBeLessThan(10);
    expect(new Set(leadsOf('t_sametaskagain1').map((l) => l.id)).size).toBe(
      leadsOf('t_sametaskagain1').length,
    );
  });

  it('adds rows only when a task id is given (the registry script itself stays data)', () => {
    expect(stepScript('reddit_leads').some((s) => s.patch.data && 'rows' in s.patch.data)).toBe(false);
    expect(
      stepScript('seo_init', null, { taskId: 't_otherkindoftask', params: {} }).every(
        (s) => !s.patch.data?.rows,
      ),
    ).toBe(true);
  });
});

describe('leads pages', () => {
  const all = [...leadsOf('t_pagesource0001'), ...leadsOf('t_pagesource0002')];

  it('walks every lead once in order, whatever the page size and sort', () => {
    for (const sort of ['newest', 'score'] as const) {
      for (const limit of ['1', '7', '50']) {
        const seen: RedditLead[] = [];
        let cursor: string | undefined;
        do {
          const page = pageOfLeads(all, parseLeadsQuery({ sort, limit, ...(cursor ? { cursor } : {}) }));
          seen.push(...page.leads);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(seen).toEqual(sortLeads(all, sort));
      }
    }
  });

  it('refuses malformed cursors, cursors of the other sort and unknown parameters with a 400', () => {
    const first = pageOfLeads(all, parseLeadsQuery({ limit: '3' }));
    const refusals = [
      () => pageOfLeads(all, parseLeadsQuery({ cursor: 'x' })),
      () => pageOfLeads(all, parseLeadsQuery({ sort: 'score', cursor: first.nextCursor ?? '' })),
      () => parseLeadsQuery({ sort: 'top' }),
      () => parseLeadsQuery({ subreddit: '../etc' }),
      () => parseLeadsQuery({ offset: '3' }),
    ];
    for (const refuse of refusals) {
      expect(refuse).toThrow(ContractError);
      try {
        refuse();
      } catch (err) {
        expect((err as ContractError).status).toBe(400);
      }
    }
  });

  it('counts leads of the last 24 hours as new today', () => {
    const at = Date.parse(all[0]?.foundAt ?? '');
    expect(leadMetrics(all, 20, at).newToday).toBe(all.length);
    expect(leadMetrics(all, 20, at + 25 * 3600_000).newToday).toBe(0);
  });
});
