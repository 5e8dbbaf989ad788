import { useSearchParams } from 'react-router';
import { type RunsQuery, runsQuerySchema } from '../../../protocol';

const defaults: RunsQuery = { kind: 'all', status: 'all' };

export interface RunFilter {
  query: RunsQuery;
  /** The address held a filter the contract does not know; the page shows everything and says so. */
  invalid: boolean;
  setFilter(next: Partial<RunsQuery>): void;
}

/** The runs filter lives in the address (`?kind=job&status=failed`), so it survives reloads and links. */
export function useRunFilter(): RunFilter {
  const [params, setParams] = useSearchParams();
  const parsed = runsQuerySchema.safeParse(Object.fromEntries(params));
  const query = parsed.success ? parsed.data : defaults;
  const setFilter = (next: Partial<RunsQuery>) => {
    const merged = { ...query, ...next };
    const search = new URLSearchParams();
    // Defaults stay out of the address, so the plain /runs link means "everything".
    if (merged.kind !== 'all') search.set('kind', merged.kind);
    if (merged.status !== 'all') search.set('status', merged.status);
    setParams(search, { replace: true });
  };
  return { query, invalid: !parsed.success, setFilter };
}
