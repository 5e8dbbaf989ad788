import { formatDuration, stageLabel } from '../../lib/format';

type Primitive = string | number | boolean | null;

/**
 * A registry data or result key as people read it: acronyms kept ("AI parsing", "PO number") and
 * the unit named where the value alone would not say it. Keys follow the registry's conventions:
 * `…Percent` and `stageProgress` are 0..100, `confidence` is 0..1, `…Ms` is milliseconds.
 */
export function detailLabel(key: string): string {
  const base = key.replace(/Ms$/, '').replace(/Percent$/, '');
  return stageLabel(base);
}

function isPercentKey(key: string): boolean {
  return /Percent$/.test(key) || key === 'stageProgress';
}

/** A detail's value with its unit: `stageProgress: 67` → "67 %", `confidence: 0.94` → "94 %", `durationMs: 8100` → "8 s". */
export function detailValue(key: string, value: Primitive): string {
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value !== 'number') return String(value);
  if (isPercentKey(key)) return `${Math.round(value)} %`;
  if (key === 'confidence' && value >= 0 && value <= 1) return `${Math.round(value * 100)} %`;
  if (/Ms$/.test(key)) return formatDuration(value);
  return value.toLocaleString('en');
}
