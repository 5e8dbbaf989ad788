import { Server } from 'lucide-react';
import { useEffect, useReducer } from 'react';
import { PageHeader } from '../../../components/ui/page-header';
import type { OpsScrape } from '../api/get-operations';
import { useOperations } from '../api/get-operations';
import { appendScrape, emptyOpsHistory, type OpsHistory } from '../api/ops-history';
import { BrandAnalysis } from './brand-analysis';
import { DeliveryPanel } from './delivery-panel';
import { HealthPanel } from './health-panel';
import { TaskCountsPanel } from './task-counts-panel';

const addToHistory = (history: OpsHistory, scrape: OpsScrape) => appendScrape(history, scrape);

/**
 * Seed 002's operator view over `/api/health` and `/metrics`, scraped every few seconds while the tab
 * is visible, with the last 15 minutes kept for the charts; and the brand analysis it was built for.
 */
export function OperationsPage() {
  const operations = useOperations();
  const [history, addScrape] = useReducer(addToHistory, emptyOpsHistory);
  const scrape = operations.data;

  useEffect(() => {
    document.title = 'Operations — taskstream';
  }, []);

  useEffect(() => {
    if (scrape) addScrape(scrape);
  }, [scrape]);

  return (
    <div className="space-y-4">
      <PageHeader
        title="Operations"
        icon={<Server className="size-6 text-slate-500" aria-hidden="true" />}
        description="Server health and live delivery, from /api/health and /metrics every 5 seconds."
      >
        {operations.error && (
          <p role="alert" className="rounded-lg bg-red-50 p-3 text-sm text-red-800">
            Could not read the server’s health: {operations.error.message}.
            {scrape ? ' Showing the last answer.' : ''}
          </p>
        )}
      </PageHeader>
      {scrape ? (
        <>
          <HealthPanel health={scrape.health} at={scrape.at} />
          <DeliveryPanel points={history.points} metrics={scrape.metrics} />
        </>
      ) : (
        !operations.error && (
          <p role="status" className="text-sm text-slate-600">
            Reading the server’s health…
          </p>
        )
      )}
      <div className="grid gap-4 lg:grid-cols-2">
        <BrandAnalysis />
        {scrape && <TaskCountsPanel tasks={scrape.metrics.tasks} />}
      </div>
    </div>
  );
}
