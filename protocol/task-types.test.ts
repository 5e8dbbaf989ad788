import { describe, expect, it } from 'vitest';
import { taskTypeSchema } from './task';
import type { TaskTypeDefinition } from './task-type-definition';
import {
  getTaskType,
  stagesOf,
  type TaskType,
  taskColors,
  taskIcons,
  taskTypeNames,
  taskTypes,
  typicalDurationMs,
} from './task-types';

/** C0 controls (CR, LF, NUL, …), DEL, and the line/paragraph separators U+2028/U+2029. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const forbidden = /[\u0000-\u001f\u007f\u2028\u2029]/;
const stageName = /^[a-z][a-z0-9_]{0,63}$/;

function textsOf(def: TaskTypeDefinition): string[] {
  const texts = [def.title, def.description, def.icon, def.color, def.unit, def.completedMessage];
  for (const step of def.steps) {
    texts.push(step.stage, step.message);
    if (step.failMessage !== undefined) texts.push(step.failMessage);
    for (const [key, value] of Object.entries(step.data ?? {})) {
      texts.push(key);
      if (typeof value === 'string') texts.push(value);
    }
  }
  for (const [key, value] of Object.entries(def.result)) {
    texts.push(key);
    if (typeof value === 'string') texts.push(value);
  }
  for (const key of def.invalidates) texts.push(...key);
  return texts;
}

describe('task-type registry', () => {
  it('lists every registry entry once, in registry order, and the task schema accepts exactly those', () => {
    expect(taskTypeNames.length).toBeGreaterThan(0);
    expect(taskTypeNames).toEqual(Object.keys(taskTypes));
    expect(taskTypeSchema.options).toEqual(taskTypeNames);
  });

  it('gives each type its own look, so that two kinds of task never look alike', () => {
    const looks = taskTypeNames.map((type) => `${taskTypes[type].icon}/${taskTypes[type].color}`);
    expect(new Set(looks).size).toBe(taskTypeNames.length);
  });

  describe.each(taskTypeNames)('%s', (type: TaskType) => {
    const def = getTaskType(type);

    it('describes itself for people', () => {
      expect(def.title.length).toBeGreaterThan(0);
      expect(def.description.length).toBeGreaterThan(0);
      expect(taskIcons).toContain(def.icon);
      expect(taskColors).toContain(def.color);
      expect(def.unit.length).toBeGreaterThan(0);
      expect(def.completedMessage.length).toBeGreaterThan(0);
      expect(def.completedMessage.length).toBeLessThanOrEqual(200);
    });

    it('names query keys to invalidate', () => {
      expect(def.invalidates.length).toBeGreaterThan(0);
      for (const key of def.invalidates) {
        expect(key.length).toBeGreaterThan(0);
        for (const part of key) expect(part.length).toBeGreaterThan(0);
      }
    });

    it('has steps whose current starts above 0, never decreases and ends at total', () => {
      expect(def.total).toBeGreaterThan(0);
      expect(def.steps.length).toBeGreaterThan(0);
      let previous = 0;
      for (const step of def.steps) {
        expect(Number.isFinite(step.current)).toBe(true);
        expect(step.current).toBeGreaterThan(0);
        expect(step.current).toBeGreaterThanOrEqual(previous);
        expect(step.current).toBeLessThanOrEqual(def.total);
        previous = step.current;
      }
      expect(def.steps.at(-1)?.current).toBe(def.total);
    });

    it('uses lower_snake_case stage names', () => {
      for (const step of def.steps) expect(step.stage).toMatch(stageName);
      for (const stage of stagesOf(type)) expect(stage).toMatch(stageName);
    });

    it('keeps every text single-line and free of control characters', () => {
      for (const text of textsOf(def)) expect(forbidden.test(text), JSON.stringify(text)).toBe(false);
      for (const step of def.steps) {
        expect(step.message.length).toBeGreaterThan(0);
        expect(step.message.length).toBeLessThanOrEqual(200);
        if (step.failMessage !== undefined) {
          expect(step.failMessage.length).toBeGreaterThan(0);
          expect(step.failMessage.length).toBeLessThanOrEqual(200);
        }
      }
    });

    it('has only string, number and boolean values in step data and result', () => {
      const values = [
        ...def.steps.flatMap((step) => Object.values(step.data ?? {})),
        ...Object.values(def.result),
      ];
      for (const value of values) {
        expect(['string', 'number', 'boolean']).toContain(typeof value);
        if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
      }
      expect(Object.keys(def.result).length).toBeGreaterThan(0);
    });

    it('takes a realistic time per step and in all', () => {
      for (const step of def.steps) {
        expect(Number.isInteger(step.durationMs)).toBe(true);
        expect(step.durationMs).toBeGreaterThanOrEqual(200);
        expect(step.durationMs).toBeLessThanOrEqual(4000);
      }
      const total = typicalDurationMs(type);
      expect(total).toBe(def.steps.reduce((sum, step) => sum + step.durationMs, 0));
      expect(total).toBeGreaterThanOrEqual(3000);
      expect(total).toBeLessThanOrEqual(25000);
    });

    it('lists stages in order of first appearance, each once', () => {
      const stages = stagesOf(type);
      expect(new Set(stages).size).toBe(stages.length);
      expect(stages[0]).toBe(def.steps[0]?.stage);
      const firstIndex = stages.map((stage) => def.steps.findIndex((step) => step.stage === stage));
      expect(firstIndex).toEqual([...firstIndex].sort((a, b) => a - b));
      expect(new Set(def.steps.map((step) => step.stage))).toEqual(new Set(stages));
    });
  });

  describe('reddit_leads', () => {
    const def = taskTypes.reddit_leads;

    it('runs 10 batches that fill the table as they go', () => {
      expect(def.total).toBe(10);
      expect(def.unit).toBe('batch');
      expect(def.liveRows).toBe(true);
      expect(def.steps).toHaveLength(10);
    });

    it('carries batch, query and leads on every step, consistent with the result', () => {
      let sum = 0;
      def.steps.forEach((step, i) => {
        expect(step.data.batch).toBe(i + 1);
        expect(step.current).toBe(i + 1);
        expect(step.data.totalBatches).toBe(10);
        expect(step.data.query.length).toBeGreaterThan(0);
        expect(step.message).toContain(`batch ${i + 1} of 10`);
        expect(step.message).toContain(step.data.query);
        sum += step.data.leadsFound;
        expect(step.data.leadsSoFar).toBe(sum);
      });
      expect(def.steps.at(-1)?.data.leadsSoFar).toBe(def.result.itemsFound);
      expect(def.completedMessage).toContain(String(def.result.itemsFound));
    });

    it('has queries with colons in them (the seed regex broke on those)', () => {
      expect(def.steps.some((step) => step.data.query.includes(':'))).toBe(true);
    });
  });

  describe('rebuild_communities', () => {
    const def = taskTypes.rebuild_communities;

    it('goes 10 → 30 → 50 → 75 → 90 → 100 percent', () => {
      expect(def.total).toBe(100);
      expect(def.unit).toBe('percent');
      expect(def.steps.map((step) => step.current)).toEqual([10, 30, 50, 75, 90, 100]);
    });

    it('uses the seed messages and ends with counts', () => {
      expect(def.steps[0]?.message).toMatch(/^Removing .*communities\.\.\.$/);
      expect(def.steps[1]?.message).toBe('Detecting communities...');
      expect(def.result.communities_count).toBeGreaterThan(0);
      expect(def.result.edges_count).toBeGreaterThan(0);
      expect(def.invalidates).toContainEqual(['communities']);
    });
  });

  describe('po_processing', () => {
    const def = taskTypes.po_processing;

    it('has the three stages of the seed, in order', () => {
      expect(stagesOf('po_processing')).toEqual(['ai_parsing', 'database_save', 'shopify_sync']);
    });

    it('can fail in every step with a message a person can read', () => {
      for (const step of def.steps) {
        expect(step.failMessage).toBeDefined();
        expect(step.failMessage?.length ?? 0).toBeGreaterThan(10);
      }
    });

    it('reports saved line items consistent with the result', () => {
      expect(def.steps.map((step) => step.message)).toContain(`Saved ${def.result.lineItems} line items`);
      expect(def.result.confidence).toBeGreaterThan(0);
      expect(def.result.confidence).toBeLessThanOrEqual(1);
      expect(def.invalidates).toContainEqual(['purchase-orders']);
    });
  });

  describe.each(['test_run', 'job_run'] as const)('%s', (type) => {
    const def = taskTypes[type];

    it('goes waiting → running → reporting', () => {
      expect(stagesOf(type)).toEqual(['waiting', 'running', 'reporting']);
    });

    it('ends passed with a report and the run duration', () => {
      expect(def.result.status).toBe('passed');
      expect(def.result.reportUrl).toMatch(/^\/reports\//);
      expect(def.result.failed).toBe(0);
      expect(def.result.passed).toBeGreaterThan(0);
      expect(def.result.durationMs).toBe(typicalDurationMs(type));
      expect(def.invalidates).toContainEqual(['runs']);
    });
  });

  it('brand_analysis ends with a summary', () => {
    expect(taskTypes.brand_analysis.result.summary.length).toBeGreaterThan(0);
    expect(taskTypes.brand_analysis.invalidates).toContainEqual(['brand-analysis']);
  });
});
