import type { LeadMetrics } from '../../../../protocol';

/** Seed 000's `reddit_metrics`: total leads, found in the last 24 hours, searches run. */
export function LeadsSummary({ metrics }: { metrics: LeadMetrics | undefined }) {
  const stats = [
    { label: 'Total leads', value: metrics?.totalLeads, testId: 'metric-total' },
    { label: 'New today', value: metrics?.newToday, testId: 'metric-today' },
    { label: 'Searches run', value: metrics?.searchesRun, testId: 'metric-searches' },
  ];
  return (
    <dl className="grid grid-cols-3 gap-2 sm:gap-3" aria-label="Lead summary">
      {stats.map((s) => (
        <div key={s.label} className="rounded-lg bg-white p-3 ring-1 ring-slate-200">
          <dt className="text-xs text-slate-500">{s.label}</dt>
          <dd className="text-xl font-semibold tabular-nums" data-testid={s.testId}>
            {s.value ?? '—'}
          </dd>
        </div>
      ))}
    </dl>
  );
}
