import { FlaskConical } from 'lucide-react';
import { useEffect, useId } from 'react';
import { type RunsQuery, runKinds, runStatuses } from '../../../../protocol';
import { Button } from '../../../components/ui/button';
import { PageHeader } from '../../../components/ui/page-header';
import { useRunFilter } from '../use-run-filter';
import { useRunList } from '../use-run-list';
import { RunList } from './run-list';
import { runStatusLooks } from './run-status-badge';
import { SelectField } from './select-field';
import { useStartRunControls } from './start-run-form';

const kindOptions: Record<RunsQuery['kind'], string> = {
  all: 'All runs',
  test: 'Test runs',
  job: 'Job runs',
};

/** Seed 001: test and job runs, newest first, with live badges, durations and report links. */
export function RunsPage() {
  const { query, invalid, setFilter } = useRunFilter();
  const { runs, isLoading, error, refetch } = useRunList(query);
  const headingId = useId();
  const start = useStartRunControls();
  const filtered = query.kind !== 'all' || query.status !== 'all';

  useEffect(() => {
    document.title = 'Runs — taskstream';
  }, []);

  return (
    <div className="space-y-4">
      <PageHeader
        title="Runs"
        icon={<FlaskConical className="size-6 text-teal-600" aria-hidden="true" />}
        description="Test runs and job runs, live: each badge moves from waiting to running to its result."
        actions={start.buttons}
      >
        {start.form}
        {invalid && (
          <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800">
            This address has a filter the runs list does not know, so every run is shown.
          </p>
        )}
      </PageHeader>

      <search aria-label="Filter runs" className="flex flex-wrap items-end gap-3">
        <SelectField
          label="Kind"
          value={query.kind}
          options={(['all', ...runKinds] as const).map((kind) => [kind, kindOptions[kind]] as const)}
          onChange={(kind) => setFilter({ kind })}
        />
        <SelectField
          label="Status"
          value={query.status}
          options={[
            ['all', 'Any status'] as const,
            ...runStatuses.map((s) => [s, runStatusLooks[s].label] as const),
          ]}
          onChange={(status) => setFilter({ status })}
        />
        {filtered && (
          <Button variant="ghost" onClick={() => setFilter({ kind: 'all', status: 'all' })}>
            Clear filters
          </Button>
        )}
      </search>

      <section aria-labelledby={headingId} className="space-y-2">
        <h2 id={headingId} className="sr-only">
          {kindOptions[query.kind]}
        </h2>
        {error && !runs.length ? (
          <div
            role="alert"
            className="flex flex-wrap items-center gap-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700"
          >
            Could not load the runs: {error.message}
            <Button size="sm" variant="secondary" onClick={() => void refetch()}>
              Try again
            </Button>
          </div>
        ) : isLoading && !runs.length ? (
          <p role="status" className="text-sm text-slate-600">
            Loading runs…
          </p>
        ) : runs.length ? (
          <RunList runs={runs} label={kindOptions[query.kind]} />
        ) : (
          <div className="rounded-xl border border-dashed border-slate-300 px-4 py-8 text-center">
            <p className="font-medium text-slate-800">
              {filtered ? 'No runs match these filters' : 'No runs yet'}
            </p>
            <p className="mt-1 text-sm text-slate-600">
              {filtered
                ? 'Clear the filters to see every run.'
                : 'Start one with "Run tests" or "Run job" above.'}
            </p>
          </div>
        )}
      </section>
    </div>
  );
}
