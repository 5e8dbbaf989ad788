import { CheckCircle2, Clock, Loader2, XCircle } from 'lucide-react';
import type { ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { type PurchaseOrderEntry, stagesOf } from '../../../../protocol';
import { stageLabel } from '../../../lib/format';
import { useTaskStore } from '../../../stores/task-store';
import { type PipelineSummary, summarizePipeline } from '../pipeline-summary';

function StatusCard({
  label,
  count,
  icon,
  tone,
  children,
}: {
  label: string;
  count: number;
  icon: ReactNode;
  tone: string;
  children?: ReactNode;
}) {
  return (
    <li
      className={`min-w-0 rounded-xl border p-3 ${tone}`}
      data-testid="pipeline-status-card"
      data-label={label}
    >
      <div className="flex items-center justify-between gap-2 text-sm font-medium">
        <span>{label}</span>
        {icon}
      </div>
      <p className="mt-1 text-2xl font-semibold tabular-nums">{count}</p>
      {children}
    </li>
  );
}

type CountKey = 'queued' | 'processing' | 'completed' | 'failed';

const cards: readonly { key: CountKey; label: string; tone: string; Icon: typeof Clock }[] = [
  { key: 'queued', label: 'Queued', tone: 'border-slate-200 bg-white text-slate-800', Icon: Clock },
  { key: 'processing', label: 'Processing', tone: 'border-blue-200 bg-blue-50 text-blue-900', Icon: Loader2 },
  {
    key: 'completed',
    label: 'Completed',
    tone: 'border-emerald-200 bg-emerald-50 text-emerald-900',
    Icon: CheckCircle2,
  },
  { key: 'failed', label: 'Failed', tone: 'border-red-200 bg-red-50 text-red-900', Icon: XCircle },
];

/** The four cards from a summary (the gallery shows them with made-up numbers). */
export function PipelineStatusCardList({ summary }: { summary: PipelineSummary }) {
  return (
    <ul aria-label="Today’s purchase orders by status" className="grid grid-cols-2 gap-3 lg:grid-cols-4">
      {cards.map(({ key, label, tone, Icon }) => (
        <StatusCard
          key={key}
          label={label}
          count={summary[key]}
          tone={tone}
          icon={<Icon className="size-4 shrink-0" aria-hidden="true" />}
        >
          {key === 'processing' && (
            <p className="mt-1 text-xs">
              {summary.byStage.map((s) => `${stageLabel(s.stage)} ${s.count}`).join(' · ')}
            </p>
          )}
        </StatusCard>
      ))}
    </ul>
  );
}

/**
 * Counts of today's POs by where their latest attempt is, from the live tasks where the store has
 * them (else as listed). Selected as a flat list of numbers, so the cards render only when one moves.
 */
export function PipelineStatusCards({ entries }: { entries: readonly PurchaseOrderEntry[] }) {
  const [queued = 0, processing = 0, completed = 0, failed = 0, ...perStage] = useTaskStore(
    useShallow((s) => {
      const summary = summarizePipeline(
        entries.map((e) => s.byId[e.purchaseOrder.taskId] ?? e.task),
        new Date(),
      );
      const { queued, processing, completed, failed, byStage } = summary;
      return [queued, processing, completed, failed, ...byStage.map((b) => b.count)];
    }),
  );
  const byStage = stagesOf('po_processing').map((stage, i) => ({ stage, count: perStage[i] ?? 0 }));
  return <PipelineStatusCardList summary={{ queued, processing, completed, failed, byStage }} />;
}
