import { getTaskType, type Task } from '../../protocol';

/** "about 12 s left", "about 3 min left". */
export function formatEta(ms: number): string {
  if (ms < 1000) return 'almost done';
  const s = Math.round(ms / 1000);
  if (s < 60) return `about ${s} s left`;
  return `about ${Math.round(s / 60)} min left`;
}

/** "4 s", "2 min 5 s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
}

/** HH:MM:SS in the viewer's time zone. */
export function formatClock(iso: string | number): string {
  return new Date(iso).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });
}

const unitLabels: Record<string, string> = { batch: 'Batch', step: 'Step', stage: 'Stage' };

/**
 * "Step 3 of 10" (or "Batch 3 of 10"): counted in the type's unit, or, for types that count in
 * percent, in the registry's scripted steps reached so far.
 */
export function stepLabel(task: Task): string {
  const def = getTaskType(task.type);
  const { current, total } = task.progress;
  const label = unitLabels[def.unit];
  if (label) return `${label} ${Math.min(Math.ceil(current), total)} of ${total}`;
  // Each report carries the message of the step it reached: count the steps reached so far.
  const reached = def.steps.filter((step) => step.current <= current).length;
  return `Step ${Math.max(1, reached)} of ${def.steps.length}`;
}

/** `communities_count` → "Communities count". */
function humanizeKey(key: string): string {
  const words = key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const acronyms = new Set(['ai', 'api', 'po', 'seo']);

/** A stage's machine name as people read it: `ai_parsing` → "AI parsing", `shopify_sync` → "Shopify sync". */
export function stageLabel(stage: string): string {
  return humanizeKey(stage)
    .split(' ')
    .map((word) => (acronyms.has(word.toLowerCase()) ? word.toUpperCase() : word))
    .join(' ');
}
