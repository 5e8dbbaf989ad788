import { AlertCircle, CheckCircle2, Circle, CircleDot, RotateCcw } from 'lucide-react';
import { memo, useState } from 'react';
import type { PurchaseOrder, Task } from '../../../../protocol';
import { StatusBadge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { ProgressBar } from '../../../components/ui/progress-bar';
import { useTask } from '../../tasks/use-task';
import { usePurchaseOrderDetail } from '../api/purchase-orders-query';
import { useRetryPurchaseOrder } from '../api/start-purchase-order';
import { formatCents } from '../format-money';
import { type PoStageState, poStageViews } from '../po-stages';

const stateLook: Record<PoStageState, { label: string; text: string; bar: string }> = {
  waiting: { label: 'Waiting', text: 'text-slate-600', bar: 'bg-slate-400' },
  running: { label: 'Running', text: 'text-blue-700', bar: 'bg-blue-500' },
  done: { label: 'Done', text: 'text-emerald-700', bar: 'bg-emerald-500' },
  failed: { label: 'Failed', text: 'text-red-700', bar: 'bg-red-500' },
};

function StateIcon({ state }: { state: PoStageState }) {
  const className = 'size-3.5 shrink-0';
  // Not a spinner: twenty POs spinning at once repaint on the main thread every frame (measured).
  if (state === 'running') return <CircleDot className={className} aria-hidden="true" />;

  if (state === 'done') return <CheckCircle2 className={className} aria-hidden="true" />;
  if (state === 'failed') return <AlertCircle className={className} aria-hidden="true" />;
  return <Circle className={className} aria-hidden="true" />;
}

/** The PO's three stage bars, each with its own state and percent. */
export function PoStageBars({ poNumber, task }: { poNumber: string; task: Task | null | undefined }) {
  return (
    <ol className="grid gap-2 sm:grid-cols-3" aria-label={`${poNumber} stages`}>
      {poStageViews(task).map((s) => {
        const look = stateLook[s.state];
        return (
          <li key={s.stage} data-stage={s.stage} data-state={s.state} className="min-w-0 space-y-1">
            <div className={`flex items-center justify-between gap-1 text-xs font-medium ${look.text}`}>
              <span className="flex min-w-0 items-center gap-1">
                <StateIcon state={s.state} />
                <span className="truncate">{s.label}</span>
              </span>
              <span className="tabular-nums">
                {look.label} · {s.percent}%
              </span>
            </div>
            <ProgressBar
              percent={s.percent}
              size="sm"
              label={`${poNumber} ${s.label}`}
              barClassName={look.bar}
              valueText={`${s.percent}%, ${look.label}`}
            />
          </li>
        );
      })}
    </ol>
  );
}

function LineItems({ id }: { id: string }) {
  const detail = usePurchaseOrderDetail(id, true);
  if (detail.isPending) return <p className="text-sm text-slate-600">Loading line items…</p>;
  if (detail.isError) return <p className="text-sm text-red-700">The line items could not be loaded.</p>;
  const items = detail.data.purchaseOrder.lineItems;
  return (
    // Focusable, so that keyboard users can scroll the table sideways on a narrow screen.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus (WCAG 2.1.1)
    <section className="overflow-x-auto" tabIndex={0} aria-label="Line items">
      <table className="w-full min-w-[28rem] text-left text-sm">
        <caption className="sr-only">Line items</caption>
        <thead className="text-xs text-slate-600">
          <tr>
            <th scope="col" className="py-1 pr-2 font-medium">
              SKU
            </th>
            <th scope="col" className="py-1 pr-2 font-medium">
              Description
            </th>
            <th scope="col" className="py-1 pr-2 text-right font-medium">
              Qty
            </th>
            <th scope="col" className="py-1 text-right font-medium">
              Unit price
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((item, index) => (
            // SKUs may repeat within one PO; the row's place is its identity.
            // biome-ignore lint/suspicious/noArrayIndexKey: rows of a fixed, server-ordered list
            <tr key={index} className="border-t border-slate-100">
              <td className="py-1 pr-2 font-mono text-xs">{item.sku}</td>
              <td className="py-1 pr-2">{item.description}</td>
              <td className="py-1 pr-2 text-right tabular-nums">{item.quantity}</td>
              <td className="py-1 text-right tabular-nums">{formatCents(item.unitPriceCents)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export interface PoCardProps {
  purchaseOrder: PurchaseOrder;
  /** The task as the list last read it; the live one from the store wins. */
  listedTask: Task | null;
}

/** One PO: number, supplier, item count and total, its three stage bars, Retry on failure, line items. */
export const PoCard = memo(function PoCard({ purchaseOrder: po, listedTask }: PoCardProps) {
  const live = useTask(po.taskId);
  const task = live ?? listedTask;
  const retry = useRetryPurchaseOrder();
  const [open, setOpen] = useState(false);
  const failed = task?.status === 'failed' || task?.status === 'cancelled';
  const headingId = `po-${po.id}`;
  return (
    <Card
      className="space-y-3 p-4 [contain:content]"
      data-testid="po-card"
      data-status={task?.status ?? 'unknown'}
    >
      <section aria-labelledby={headingId} className="space-y-3">
        <div className="flex flex-wrap items-start justify-between gap-2">
          <div className="min-w-0">
            <h3 id={headingId} className="truncate text-sm font-semibold">
              {po.poNumber}
            </h3>
            <p className="text-xs text-slate-600">
              {po.supplier} · {po.itemCount} line items · {formatCents(po.totalCents)}
              {po.attempts > 1 ? ` · attempt ${po.attempts}` : ''}
            </p>
          </div>
          {task && <StatusBadge status={task.status} />}
        </div>
        <PoStageBars poNumber={po.poNumber} task={task} />
        {task?.message && !failed && <p className="text-xs text-slate-600">{task.message}</p>}
        {failed && (
          <div className="flex flex-wrap items-center justify-between gap-2 rounded-md bg-red-50 px-3 py-2">
            <p className="min-w-0 text-sm text-red-800">{task?.error ?? 'Cancelled'}</p>
            <Button
              variant="danger"
              size="sm"
              disabled={retry.isPending}
              onClick={() => retry.mutate(po.id)}
              aria-label={`Retry ${po.poNumber}`}
            >
              <RotateCcw className="size-3.5" aria-hidden="true" />
              Retry
            </Button>
          </div>
        )}
        {retry.error && (
          <p role="alert" className="text-sm text-red-700">
            {retry.error.message}
          </p>
        )}
        <details onToggle={(e) => setOpen(e.currentTarget.open)} className="text-sm">
          <summary className="cursor-pointer text-slate-700">Line items ({po.itemCount})</summary>
          <div className="mt-2">{open && <LineItems id={po.id} />}</div>
        </details>
      </section>
    </Card>
  );
});
