import { useQueryClient } from '@tanstack/react-query';
import { Bell, BellOff, FileText } from 'lucide-react';
import { lazy, useEffect } from 'react';
import { useSearchParams } from 'react-router';
import type { ListPurchaseOrdersResponse } from '../../../../protocol';
import { Button } from '../../../components/ui/button';
import { ConnectionIndicator } from '../../../components/ui/connection-indicator';
import { PageHeader } from '../../../components/ui/page-header';
import { formatClock } from '../../../lib/format';
import { useConnectionStore } from '../../../stores/connection-store';
import { subscribeTaskChanges } from '../../../stores/task-store';
import { purchaseOrdersQueryKey, usePurchaseOrders } from '../api/purchase-orders-query';
import { useRetryPurchaseOrder } from '../api/start-purchase-order';
import { ActivityFeed } from '../feed/activity-feed';
import { useNotificationOptIn, usePoFinishNotice } from '../use-po-finish-notice';
import { PipelineStatusCards } from './pipeline-status-cards';
import { PoCard } from './po-card';
import { UploadPanel } from './upload-panel';

/** What the live connection is doing, in words: the heartbeat, the watchdog, the polling fallback. */
function LiveUpdatesNote() {
  const status = useConnectionStore((s) => s.connection.status);
  const beat = useConnectionStore((s) => s.lastHeartbeatAt);
  const words =
    status === 'polling'
      ? 'The live connection is down, so progress is fetched periodically until it is back.'
      : status === 'live'
        ? `Heartbeat ${beat === null ? 'awaited' : `at ${formatClock(beat)}`}; with none for two intervals (30 s by default) the page reconnects.`
        : 'Live updates resume on their own; until then progress is fetched periodically.';
  return <p className="text-xs text-slate-600">{words}</p>;
}

function NotifyToggle() {
  const { supported, enabled, toggle } = useNotificationOptIn();
  if (!supported) return null;
  return (
    <Button variant="secondary" size="sm" onClick={() => void toggle()} aria-pressed={enabled}>
      {enabled ? (
        <Bell className="size-3.5" aria-hidden="true" />
      ) : (
        <BellOff className="size-3.5" aria-hidden="true" />
      )}
      Notify me when a PO finishes
    </Button>
  );
}

/** A PO started elsewhere (another tab, another device) joins the list as soon as its task shows up. */
function useListFollowsNewTasks(): void {
  const client = useQueryClient();
  useEffect(
    () =>
      subscribeTaskChanges((changes) => {
        const listed = client.getQueryData<ListPurchaseOrdersResponse>([...purchaseOrdersQueryKey]);
        const known = new Set(listed?.purchaseOrders.map((e) => e.purchaseOrder.taskId));
        // First sightings only: a po_processing task started without an upload never joins the list.
        if (changes.some((c) => !c.previous && c.task.type === 'po_processing' && !known.has(c.task.id)))
          void client.invalidateQueries({ queryKey: [...purchaseOrdersQueryKey], exact: true });
      }),
    [client],
  );
}

/** The render-budget baseline, in a chunk of its own that only the benchmark loads. */
const NaivePoPage = lazy(() =>
  import('./naive-po-page').then(({ NaivePoPage }) => ({ default: NaivePoPage })),
);

/** Seed 004's RealTimeFeedback page; `?baseline=naive` shows the benchmark's naive baseline instead. */
export function PurchaseOrdersPage() {
  const [search] = useSearchParams();
  return search.get('baseline') === 'naive' ? <NaivePoPage /> : <RealTimeFeedbackPage />;
}

/** Upload, per-PO stage bars, the activity feed, the pipeline cards. */
function RealTimeFeedbackPage() {
  const list = usePurchaseOrders();
  const retry = useRetryPurchaseOrder();
  usePoFinishNotice();
  useListFollowsNewTasks();
  useEffect(() => {
    document.title = 'Purchase orders — taskstream';
  }, []);
  const entries = list.data?.purchaseOrders ?? [];

  return (
    <div className="space-y-4">
      <PageHeader
        title="Purchase orders"
        icon={<FileText className="size-6 text-blue-600" aria-hidden="true" />}
        description="Upload a PO and watch AI parsing, the database save and the Shopify sync as they happen."
        actions={
          <>
            <ConnectionIndicator />
            <NotifyToggle />
          </>
        }
      >
        <LiveUpdatesNote />
      </PageHeader>
      <PipelineStatusCards entries={entries} />
      <div className="grid gap-4 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="min-w-0 space-y-4">
          <UploadPanel />
          <section aria-labelledby="po-list-title" className="space-y-3">
            <h2 id="po-list-title" className="text-base font-semibold">
              Purchase orders
            </h2>
            {list.isPending && <p className="text-sm text-slate-600">Loading purchase orders…</p>}
            {list.isError && (
              <p role="alert" className="text-sm text-red-700">
                The purchase orders could not be loaded: {list.error.message}
              </p>
            )}
            {list.isSuccess && entries.length === 0 && (
              <p className="text-sm text-slate-600">No purchase orders yet. Upload a CSV to start one.</p>
            )}
            {entries.map((e) => (
              <PoCard key={e.purchaseOrder.id} purchaseOrder={e.purchaseOrder} listedTask={e.task} />
            ))}
          </section>
        </div>
        <div className="min-w-0">
          <ActivityFeed onRetry={(poId) => retry.mutate(poId)} />
          {retry.error && (
            <p role="alert" className="mt-2 text-sm text-red-700">
              {retry.error.message}
            </p>
          )}
        </div>
      </div>
    </div>
  );
}
