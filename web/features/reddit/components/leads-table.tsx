import { Inbox, RefreshCw } from 'lucide-react';
import { memo, type ReactNode, useMemo, useState } from 'react';
import { type RedditLead, sortLeads } from '../../../../protocol';
import { Button } from '../../../components/ui/button';
import type { LeadsFilter } from '../api/get-leads';
import { LeadRow } from './lead-row';

export interface LeadsTableProps {
  filter: LeadsFilter;
  /** Rows of the pages loaded so far. */
  pages: readonly RedditLead[];
  /** Rows that arrived with progress events during this visit. */
  live: readonly RedditLead[];
  liveIds: ReadonlySet<string>;
  status: 'pending' | 'error' | 'success';
  error: Error | null;
  onRetry: () => void;
  /** The server has more pages. */
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  /** Shown instead of the table when the user has no leads at all. */
  empty: ReactNode;
}

const headers = [
  { label: 'Post', className: 'text-left' },
  { label: 'Subreddit', className: 'hidden text-left md:table-cell' },
  { label: 'Author', className: 'hidden text-left lg:table-cell' },
  { label: 'Score', className: 'text-right' },
  { label: 'Comments', className: 'hidden text-right md:table-cell' },
  { label: 'Matched query', className: 'hidden text-left xl:table-cell' },
  { label: 'Intent', className: 'text-left' },
  { label: 'Found', className: 'hidden text-left sm:table-cell' },
];

/** The loaded pages plus the live rows (deduplicated, filtered, in the chosen order). */
function visibleLeads(
  filter: LeadsFilter,
  pages: readonly RedditLead[],
  live: readonly RedditLead[],
): RedditLead[] {
  const byId = new Map<string, RedditLead>();
  for (const lead of pages) byId.set(lead.id, lead);
  for (const lead of live) {
    if (filter.subreddit && lead.subreddit.toLowerCase() !== filter.subreddit.toLowerCase()) continue;
    if (!byId.has(lead.id)) byId.set(lead.id, lead);
  }
  return sortLeads([...byId.values()], filter.sort);
}

/**
 * Rows rendered at once. A table's layout is redone over all its rows whenever one is added, so
 * a search landing batch after batch into a table of thousands would stall every frame; the rest
 * is one "Load more" away (loaded rows first, then the next page from the server).
 */
const windowSize = 100;

/** Memoised: a progress event without rows leaves the table alone. */
export const LeadsTable = memo(function LeadsTable(props: LeadsTableProps) {
  const { filter, pages, live, liveIds, status } = props;
  const rows = useMemo(() => visibleLeads(filter, pages, live), [filter, pages, live]);
  const [shown, setShown] = useState(windowSize);
  const hasMore = rows.length > shown || props.hasMore;
  const loadMore = () => {
    setShown(shown + windowSize);
    if (rows.length < shown + windowSize && props.hasMore) props.onLoadMore();
  };

  if (status === 'pending' && !rows.length) {
    return (
      <div role="status" className="space-y-2 p-4" aria-busy="true" aria-label="Loading leads">
        {[0, 1, 2, 3].map((i) => (
          <div key={i} className="h-8 animate-pulse rounded bg-slate-100 motion-reduce:animate-none" />
        ))}
      </div>
    );
  }
  if (status === 'error' && !rows.length) {
    return (
      <div role="alert" className="flex flex-wrap items-center gap-3 p-4 text-sm text-red-700">
        Could not load leads: {props.error?.message ?? 'unknown error'}
        <Button variant="secondary" size="sm" onClick={props.onRetry}>
          <RefreshCw className="size-3.5" aria-hidden="true" />
          Try again
        </Button>
      </div>
    );
  }
  if (!rows.length) {
    if (!filter.subreddit) return <>{props.empty}</>;
    return (
      <p className="flex items-center gap-2 p-4 text-sm text-slate-500">
        <Inbox className="size-4" aria-hidden="true" />
        No leads from r/{filter.subreddit} yet.
      </p>
    );
  }
  return (
    <>
      <table
        className="w-full text-sm"
        data-testid="leads-table"
        data-rows={rows.length}
        data-rendered={Math.min(rows.length, shown)}
      >
        <caption className="sr-only">
          Reddit leads, {filter.sort === 'score' ? 'highest score first' : 'newest first'}
          {filter.subreddit ? `, from r/${filter.subreddit}` : ''}
        </caption>
        <thead className="bg-slate-50 text-xs tracking-wide text-slate-600 uppercase">
          <tr>
            {headers.map((h) => (
              <th key={h.label} scope="col" className={`px-3 py-2 font-medium ${h.className}`}>
                {h.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.slice(0, shown).map((lead) => (
            <LeadRow key={lead.id} lead={lead} fresh={liveIds.has(lead.id)} />
          ))}
        </tbody>
      </table>
      {hasMore && (
        <div className="border-t border-slate-100 p-3 text-center">
          <p className="mb-2 text-xs text-slate-600">
            Showing {Math.min(rows.length, shown)} of {props.hasMore ? `${rows.length}+` : rows.length} leads
          </p>
          <Button
            variant="secondary"
            size="sm"
            onClick={() => {
              if (!props.loadingMore) loadMore();
            }}
            aria-disabled={props.loadingMore}
          >
            {props.loadingMore ? 'Loading…' : 'Load more leads'}
          </Button>
        </div>
      )}
    </>
  );
});
