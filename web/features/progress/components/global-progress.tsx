import { ChevronUp, ListChecks } from 'lucide-react';
import { AnimatePresence, domMax, LazyMotion, MotionConfig, m } from 'motion/react';
import { useEffect, useId, useRef } from 'react';
import { isTerminal } from '../../../../protocol';
import { setProgressStackCollapsed, useProgressStackStore } from '../../../stores/progress-stack-store';
import { useTaskStore } from '../../../stores/task-store';
import { useTabTitleProgress } from '../use-tab-title-progress';
import { LiveProgressCard } from './live-progress-card';
import { ProgressAnnouncer } from './progress-announcer';

/** "3 tasks · 45 %" while some run, "2 tasks done" once none does. */
function useStackSummary(ids: readonly string[]): string {
  return useTaskStore((s) => {
    const active = ids.map((id) => s.byId[id]).filter((t) => t !== undefined && !isTerminal(t.status));
    const count = (n: number) => `${n} task${n === 1 ? '' : 's'}`;
    if (!active.length) return `${count(ids.length)} done`;
    const percent = Math.round(
      active.reduce((sum, t) => sum + (t?.progress.percent ?? 0), 0) / active.length,
    );
    return `${count(active.length)} · ${percent} %`;
  });
}

/**
 * Publishes the stack's height as `--progress-stack-height`: the page pads its end and the browser
 * scrolls focused elements clear of the stack by that much (WCAG 2.2 2.4.11, focus not obscured).
 */
function usePublishedHeight(ref: React.RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const root = document.documentElement;
    const observer = new ResizeObserver(() => {
      root.style.setProperty('--progress-stack-height', `${Math.ceil(element.offsetHeight)}px`);
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      root.style.removeProperty('--progress-stack-height');
    };
  }, [ref]);
}

/** Alt+T reaches the stack from anywhere, as toast libraries do. */
function useStackHotkey(toggle: React.RefObject<HTMLButtonElement | null>): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey && event.code === 'KeyT') {
        event.preventDefault();
        toggle.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [toggle]);
}

/**
 * The global progress stack on every page: a card per running task (and per task that just
 * ended), newest first, folded into one pill on demand (remembered); ends are announced by
 * `ProgressAnnouncer`.
 */
export function GlobalProgress() {
  useTabTitleProgress();
  const ids = useProgressStackStore((s) => s.ids);
  const collapsed = useProgressStackStore((s) => s.collapsed);
  const summary = useStackSummary(ids);
  const headingId = useId();
  const listId = useId();
  const sectionRef = useRef<HTMLElement>(null);
  const toggleRef = useRef<HTMLButtonElement>(null);
  usePublishedHeight(sectionRef);
  useStackHotkey(toggleRef);
  const open = !collapsed;

  return (
    // The stack is the one animated part of every page; it is loaded after the first paint
    // (layout.tsx), and motion with it. strict: a full `motion.*` would defeat LazyMotion.
    <LazyMotion features={domMax} strict>
      <MotionConfig reducedMotion="user">
        <section
          ref={sectionRef}
          aria-labelledby={headingId}
          className="pointer-events-none fixed inset-x-2 bottom-2 z-40 flex flex-col items-stretch gap-2 sm:inset-x-auto sm:right-4 sm:bottom-4 sm:w-96"
        >
          <h2 id={headingId} className="sr-only">
            Background tasks
          </h2>
          <ProgressAnnouncer />
          {ids.length > 0 && (
            <button
              ref={toggleRef}
              type="button"
              data-progress-stack-toggle
              onClick={() => setProgressStackCollapsed(open)}
              aria-expanded={open}
              aria-controls={listId}
              className="pointer-events-auto ml-auto flex items-center gap-2 rounded-full bg-slate-900 px-3 py-1.5 text-xs font-medium text-white shadow-lg hover:bg-slate-700"
            >
              <ListChecks className="size-4" aria-hidden="true" />
              <span>{summary}</span>
              <span className="sr-only">{open ? ', hide details' : ', show details'}</span>
              <ChevronUp
                className={`size-4 transition-transform motion-reduce:transition-none ${open ? 'rotate-180' : ''}`}
                aria-hidden="true"
              />
            </button>
          )}
          {open && ids.length > 0 && (
            // On a phone the open stack keeps to about a quarter of the screen and scrolls inside.
            <ul
              id={listId}
              aria-label="Task cards"
              className="pointer-events-auto flex max-h-[calc(25dvh-2.75rem)] flex-col gap-2 overflow-y-auto overscroll-contain sm:max-h-[60dvh]"
            >
              <AnimatePresence initial={false}>
                {ids.map((id) => (
                  <m.li
                    key={id}
                    layout="position"
                    initial={{ opacity: 0, y: 16 }}
                    animate={{ opacity: 1, y: 0 }}
                    exit={{ opacity: 0, x: 40 }}
                    transition={{ duration: 0.2 }}
                  >
                    <LiveProgressCard id={id} />
                  </m.li>
                ))}
              </AnimatePresence>
            </ul>
          )}
        </section>
      </MotionConfig>
    </LazyMotion>
  );
}
