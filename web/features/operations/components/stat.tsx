import type { ReactNode } from 'react';

export interface StatProps {
  label: string;
  value: ReactNode;
  /** A stable hook for tests and scrapers of the page, e.g. `connections-active`. */
  testId?: string;
  hint?: string;
}

/** One labelled figure; used inside a `<dl>`. */
export function Stat({ label, value, testId, hint }: StatProps) {
  return (
    <div className="min-w-0 rounded-lg bg-slate-50 p-2.5">
      <dt className="text-xs text-slate-600">{label}</dt>
      <dd className="text-lg font-semibold tabular-nums" data-testid={testId}>
        {value}
      </dd>
      {hint && <dd className="text-xs text-slate-500">{hint}</dd>}
    </div>
  );
}
