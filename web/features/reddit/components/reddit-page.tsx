import { useMutation } from '@tanstack/react-query';
import { MessageSquareText, Sparkles } from 'lucide-react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { LeadSort } from '../../../../protocol';
import { Card } from '../../../components/ui/card';
import { PageHeader } from '../../../components/ui/page-header';
import { startTask } from '../../tasks/api/start-task';
import { useHasActiveTask, useLatestTaskId, useTask } from '../../tasks/use-task';
import { useLeadMetrics } from '../api/get-lead-metrics';
import { type LeadsFilter, useLeads } from '../api/get-leads';
import { useDiscoveredSubreddits } from '../api/get-subreddits';
import { resetLiveLeads, useLiveLeadsStore, watchLeadBatches } from '../live-leads-store';
import { FindLeadsButton } from './find-leads-button';
import { LeadsFilters } from './leads-filters';
import { LeadsProgressPanel } from './leads-progress-panel';
import { LeadsSummary } from './leads-summary';
import { LeadsTable } from './leads-table';
import { SeedTools } from './seed-tools';

/** Seed 000: the Reddit leads table, filling live while a search runs, and "Find More Leads". */
export function RedditPage() {
  const [sort, setSort] = useState<LeadSort>('newest');
  const [subreddit, setSubreddit] = useState<string | null>(null);
  const filter: LeadsFilter = useMemo(() => ({ sort, subreddit }), [sort, subreddit]);
  const searching = useHasActiveTask('reddit_leads');
  const latest = useTask(useLatestTaskId('reddit_leads'));
  const find = useMutation({ mutationFn: () => startTask({ type: 'reddit_leads' }) });
  const leads = useLeads(filter, searching);
  const metrics = useLeadMetrics();
  const discovered = useDiscoveredSubreddits();
  const live = useLiveLeadsStore((s) => s.leads);
  const liveIds = useLiveLeadsStore((s) => s.ids);

  useEffect(() => {
    document.title = 'Reddit leads — taskstream';
  }, []);
  // Live rows belong to this visit (and this user): the next visit starts from the stored pages.
  useEffect(() => {
    const stop = watchLeadBatches();
    return () => {
      stop();
      resetLiveLeads();
    };
  }, []);
  // The query pauses while a search runs; a visit or a new filter still starts from the stored rows.
  const { refetch } = leads;
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs again for a new filter, whose query is paused too
  useEffect(() => {
    if (searching) void refetch();
  }, [filter, refetch, searching]);

  const pages = useMemo(() => leads.data?.pages.flatMap((p) => p.leads) ?? [], [leads.data]);
  const chips = useMemo(() => {
    const names = new Set([
      ...(discovered.data?.subreddits.map((s) => s.name) ?? []),
      ...(metrics.data?.subreddits ?? []),
    ]);
    return [...names];
  }, [discovered.data, metrics.data]);
  const discoveredNames = useMemo(
    () => new Set(discovered.data?.subreddits.map((s) => s.name)),
    [discovered.data],
  );
  const busy = searching || find.isPending;
  // Stable handlers, so that a progress event re-renders the panel and not the whole table.
  const { fetchNextPage } = leads;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  const retry = useCallback(() => void refetch(), [refetch]);
  const startSearch = useCallback(() => find.mutate(), [find.mutate]);
  const emptyState = useMemo(
    () => (
      <div className="space-y-3 p-6 text-center" data-testid="leads-empty">
        <Sparkles className="mx-auto size-8 text-orange-500" aria-hidden="true" />
        <p className="font-medium">No leads yet</p>
        <p className="text-sm text-slate-500">
          {busy
            ? 'Your first search is running: leads appear here as each batch lands.'
            : 'Run a search and leads appear here batch by batch.'}
        </p>
        <FindLeadsButton busy={busy} onStart={startSearch} />
      </div>
    ),
    [busy, startSearch],
  );

  return (
    <div className="space-y-4">
      <PageHeader
        title="Reddit leads"
        icon={<MessageSquareText className="size-6 text-orange-600" aria-hidden="true" />}
        description="People on Reddit asking for what you sell, found by your searches."
        actions={<FindLeadsButton busy={busy} onStart={startSearch} />}
      >
        {find.error && (
          <p role="alert" className="text-sm text-red-700">
            Could not start a search: {find.error.message}
          </p>
        )}
      </PageHeader>
      <LeadsSummary metrics={metrics.data} />
      {latest && <LeadsProgressPanel task={latest} />}
      <Card className="overflow-hidden">
        <div className="border-b border-slate-100 px-3 py-3 sm:px-4">
          <h2 className="text-base font-semibold">Leads</h2>
          <LeadsFilters
            sort={sort}
            onSort={setSort}
            subreddit={subreddit}
            onSubreddit={setSubreddit}
            subreddits={chips}
            discovered={discoveredNames}
          />
        </div>
        <LeadsTable
          key={`${sort}:${subreddit ?? ''}`}
          filter={filter}
          pages={pages}
          live={live}
          liveIds={liveIds}
          status={leads.status}
          error={leads.error}
          onRetry={retry}
          hasMore={leads.hasNextPage}
          loadingMore={leads.isFetchingNextPage}
          onLoadMore={loadMore}
          empty={emptyState}
        />
      </Card>
      <SeedTools />
    </div>
  );
}
