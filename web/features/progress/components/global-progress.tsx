import { ChevronUp } from 'lucide-react';
import { AnimatePresence, domMax, LazyMotion, MotionConfig, m } from 'motion/react';
import { useState } from 'react';
import { isTerminal } from '../../../../protocol';
import { dismissProgress, useProgressStackStore } from '../../../stores/progress-stack-store';
import { useTaskStore } from '../../../stores/task-store';
import { useTask } from '../../tasks/use-task';
import { useTabTitleProgress } from '../use-tab-title-progress';
import { ProgressCard } from './progress-card';

/** More cards than this collapse into a summary line. */
const MAX_OPEN = 3;

function StackedCard({ id }: { id: string }) {
  const task = useTask(id);
  if (!task) return null;
  return <ProgressCard task={task} onDismiss={() => dismissProgress(id)} />;
}

/**
 * The global progress stack on every page: a card per running task (and per task that just
 * ended), newest first; collapses to a summary when many run; announces ends to screen readers.
 */
export function GlobalProgress() {
  useTabTitleProgress();
  const ids = useProgressStackStore((s) => s.ids);
  const announcement = useProgressStackStore((s) => s.announcement);
  const [showAll, setShowAll] = useState(false);
  const hiddenCount = Math.max(0, ids.length - MAX_OPEN);
  const visible = showAll ? ids : ids.slice(0, MAX_OPEN);
  const hiddenPercent = useTaskStore((s) => {
    const rest = ids
      .slice(MAX_OPEN)
      .map((id) => s.byId[id])
      .filter((t) => t && !isTerminal(t.status));
    if (!rest.length) return null;
    return Math.round(rest.reduce((sum, t) => sum + (t?.progress.percent ?? 0), 0) / rest.length);
  });

  return (
    // The stack is the one animated part of every page; it is loaded after the first paint
    // (layout.tsx), and motion with it. strict: a full `motion.*` would defeat LazyMotion.
    <LazyMotion features={domMax} strict>
      <MotionConfig reducedMotion="user">
        <section
          aria-label="Background tasks"
          className="pointer-events-none fixed inset-x-2 bottom-2 z-40 flex flex-col items-stretch gap-2 sm:inset-x-auto sm:right-4 sm:bottom-4 sm:w-96"
        >
          <div className="sr-only" role="status" aria-live="polite" aria-atomic="true">
            {announcement?.text}
          </div>
          {hiddenCount > 0 && (
            <button
              type="button"
              onClick={() => setShowAll((x) => !x)}
              aria-expanded={showAll}
              className="pointer-events-auto flex items-center justify-between rounded-lg bg-slate-900 px-3 py-2 text-left text-xs font-medium text-white shadow-lg"
            >
              <span>
                {showAll
                  ? 'Show fewer tasks'
                  : `${hiddenCount} more task${hiddenCount === 1 ? '' : 's'}${hiddenPercent !== null ? ` · ${hiddenPercent}% on average` : ''}`}
              </span>
              <ChevronUp className={`size-4 ${showAll ? 'rotate-180' : ''}`} aria-hidden="true" />
            </button>
          )}
          <ul className="pointer-events-auto flex max-h-[70dvh] flex-col gap-2 overflow-y-auto">
            <AnimatePresence initial={false}>
              {visible.map((id) => (
                <m.li
                  key={id}
                  layout="position"
                  initial={{ opacity: 0, y: 16 }}
                  animate={{ opacity: 1, y: 0 }}
                  exit={{ opacity: 0, x: 40 }}
                  transition={{ duration: 0.2 }}
                >
                  <StackedCard id={id} />
                </m.li>
              ))}
            </AnimatePresence>
          </ul>
        </section>
      </MotionConfig>
    </LazyMotion>
  );
}
