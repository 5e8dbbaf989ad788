import { purchaseOrderScript, type Task, taskScript } from '../../protocol';
import { Card } from '../components/ui/card';
import { PipelineStatusCardList } from '../features/purchase-orders/components/pipeline-status-cards';
import { PoStageBars } from '../features/purchase-orders/components/po-card';
import { ActivityFeed } from '../features/purchase-orders/feed/activity-feed';
import type { FeedEntry, FeedKind } from '../features/purchase-orders/feed/feed-entries';
import { summarizePipeline } from '../features/purchase-orders/pipeline-summary';
import { useNow } from '../lib/use-now';
import { demoCreatedAt, demoTask } from './demo-tasks';
import { GallerySection, StateCell, StateGrid } from './gallery-layout';

const demoPo = {
  id: 'po_demo00000001',
  poNumber: 'PO-2025-0142',
  supplier: 'Northwind Supply Co.',
  itemCount: 37,
  totalCents: 258_750,
};

/** Every version of one PO task, from protocol's script told in the PO's numbers (as the worker does). */
function poVersions(id: string, failAt: string | null): Task[] {
  return taskScript({
    id,
    ownerId: 'demo',
    type: 'po_processing',
    createdAt: demoCreatedAt,
    script: purchaseOrderScript(demoPo, failAt),
  }).map((e) => e.task);
}

const happy = poVersions('demo-po-happy', null);
const failing = poVersions('demo-po-failing', 'database_save');

const stageStates: { key: string; label: string; task: Task | null }[] = [
  { key: 'queued', label: 'Queued (no report yet)', task: null },
  { key: 'parsing', label: 'AI parsing', task: happy[2] ?? null },
  { key: 'saving', label: 'Database save', task: happy[5] ?? null },
  { key: 'syncing', label: 'Shopify sync', task: happy[8] ?? null },
  { key: 'completed', label: 'Completed', task: happy.at(-1) ?? null },
  { key: 'failed', label: 'Failed in database save', task: failing.at(-1) ?? null },
  {
    key: 'cancelled',
    label: 'Cancelled',
    task: demoTask('po_processing', { kind: 'cancelled', percent: 45 }),
  },
];

const feedMessages: Record<FeedKind, string> = {
  'stage-started': 'AI parsing started for PO-2025-0142',
  progress: 'Parsed 37 line items',
  'stage-completed': 'Database save done',
  error: 'Database connection timeout while saving the purchase order.',
  completed: 'Completed! 37 line items synced to Shopify',
};
const feedKinds: readonly FeedKind[] = ['completed', 'error', 'stage-completed', 'progress', 'stage-started'];
const feedRows: FeedEntry[] = feedKinds.map((kind, i) => ({
  id: `demo-${kind}`,
  at: demoCreatedAt + (feedKinds.length - i) * 1000,
  kind,
  taskId: 'demo-po',
  poId: demoPo.id,
  poNumber: demoPo.poNumber,
  message: feedMessages[kind],
}));

/** Seed 004's parts: PO stage bars in every state, a live one, feed rows of every kind, the pipeline cards live. */
export function PurchaseOrdersSection() {
  const tick = Math.floor(useNow(true, 600) / 600);
  const live = happy[tick % happy.length] ?? null;
  // Five POs a few steps apart, so that the cards' counts move through every column.
  const fleet = [0, 3, 6, 9, 12].map((offset) => {
    const versions = offset === 6 ? failing : happy;
    return versions[(tick + offset) % versions.length] ?? null;
  });
  return (
    <GallerySection
      id="purchase-orders"
      title="Purchase orders"
      description="A PO's three stage bars in every state (and one running live), feed rows of every kind, and the pipeline cards counting live POs."
    >
      <StateGrid variant="wide">
        <StateCell label="Live" stateKey="live">
          <PoStageBars poNumber={`${demoPo.poNumber} (live)`} task={live} />
        </StateCell>
        {stageStates.map((s) => (
          <StateCell key={s.key} label={s.label} stateKey={s.key}>
            <PoStageBars poNumber={`${demoPo.poNumber} ${s.label}`} task={s.task} />
          </StateCell>
        ))}
      </StateGrid>
      <div className="mt-4 space-y-4">
        <ActivityFeed entries={feedRows} onRetry={() => undefined} />
        <Card className="p-3">
          <PipelineStatusCardList summary={summarizePipeline(fleet, new Date(demoCreatedAt))} />
        </Card>
      </div>
    </GallerySection>
  );
}
