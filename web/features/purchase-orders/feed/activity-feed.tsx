import { RotateCcw } from 'lucide-react';
import { AnimatePresence, domAnimation, LazyMotion, MotionConfig, m } from 'motion/react';
import { memo, useEffect, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { formatClock } from '../../../lib/format';
import type { FeedEntry, FeedKind } from './feed-entries';
import { startPoFeed, usePoFeedStore } from './feed-store';

/** Rows shown at first, and how many more each "Show older" adds. */
const pageSize = 50;

const kindLook: Record<FeedKind, { label: string; badge: string }> = {
  'stage-started': { label: 'Stage started', badge: 'bg-blue-50 text-blue-800 ring-blue-200' },
  'stage-completed': { label: 'Stage done', badge: 'bg-teal-50 text-teal-800 ring-teal-200' },
  progress: { label: 'Progress', badge: 'bg-slate-100 text-slate-700 ring-slate-300' },
  error: { label: 'Error', badge: 'bg-red-50 text-red-800 ring-red-200' },
  completed: { label: 'Completed', badge: 'bg-emerald-50 text-emerald-800 ring-emerald-200' },
};

interface FeedRowProps {
  entry: FeedEntry;
  /** Shown on error rows that name their PO. */
  onRetry?: (poId: string) => void;
}

/** One feed line: HH:MM:SS, a colour-coded badge by kind, what happened; an error offers Retry. */
const FeedRow = memo(function FeedRow({ entry, onRetry }: FeedRowProps) {
  const look = kindLook[entry.kind];
  return (
    <m.li
      layout={false}
      initial={{ opacity: 0, y: -8 }}
      animate={{ opacity: 1, y: 0 }}
      transition={{ duration: 0.2, ease: 'easeOut' }}
      data-kind={entry.kind}
      className="flex flex-wrap items-start gap-x-3 gap-y-1 border-b border-slate-100 py-2 text-sm last:border-0"
    >
      <time
        dateTime={new Date(entry.at).toISOString()}
        className="pt-0.5 font-mono text-xs text-slate-600 tabular-nums"
      >
        {formatClock(entry.at)}
      </time>
      <span
        className={`inline-flex w-[6.5rem] shrink-0 justify-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${look.badge}`}
      >
        {look.label}
      </span>
      <p className="min-w-0 flex-1 basis-40 break-words text-slate-800">
        {entry.poNumber && <span className="font-medium text-slate-900">{entry.poNumber}: </span>}
        {entry.message}
      </p>
      {entry.kind === 'error' && entry.poId && onRetry && (
        <Button
          size="sm"
          variant="danger"
          onClick={() => entry.poId && onRetry(entry.poId)}
          aria-label={`Retry ${entry.poNumber ?? 'purchase order'}`}
        >
          <RotateCcw className="size-3.5" aria-hidden="true" />
          Retry
        </Button>
      )}
    </m.li>
  );
});

export interface ActivityFeedProps {
  onRetry?: (poId: string) => void;
  /** Entries to show instead of the live feed (the gallery). */
  entries?: readonly FeedEntry[];
}

/**
 * Seed 004's activity feed, newest first: rows slide in (motion, off under reduced motion), the
 * newest 50 show, "Show older" reveals more of the last 200. Not a live region: at burst rates it
 * would talk over everything; PO ends are announced by the progress stack.
 */
export function ActivityFeed({ onRetry, entries: given }: ActivityFeedProps) {
  const live = usePoFeedStore((s) => s.entries);
  const entries = given ?? live;
  const [shown, setShown] = useState(pageSize);
  useEffect(() => (given ? undefined : startPoFeed()), [given]);
  const visible = entries.slice(0, shown);
  const older = entries.length - visible.length;
  return (
    <Card className="p-4">
      <section aria-labelledby="po-activity-title">
        <h2 id="po-activity-title" className="text-base font-semibold">
          Activity
        </h2>
        {entries.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">
            Nothing yet: upload a PO to see each stage here as it happens.
          </p>
        ) : (
          <LazyMotion features={domAnimation} strict>
            <MotionConfig reducedMotion="user">
              <ol aria-label="Purchase order activity, newest first" className="mt-2" data-testid="po-feed">
                <AnimatePresence initial={false}>
                  {visible.map((entry) => (
                    <FeedRow key={entry.id} entry={entry} {...(onRetry ? { onRetry } : {})} />
                  ))}
                </AnimatePresence>
              </ol>
            </MotionConfig>
          </LazyMotion>
        )}
        {older > 0 && (
          <Button
            variant="secondary"
            size="sm"
            className="mt-2"
            onClick={() => setShown((n) => n + pageSize)}
          >
            Show older ({older} more)
          </Button>
        )}
      </section>
    </Card>
  );
}
