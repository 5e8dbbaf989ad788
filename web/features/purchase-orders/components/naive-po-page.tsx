import { AnimatePresence, domAnimation, LazyMotion, m } from 'motion/react';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { snapshotDataSchema, type Task, taskEventDataSchema } from '../../../../protocol';
import { Card } from '../../../components/ui/card';
import { formatClock } from '../../../lib/format';
import { PoStageBars } from './po-card';

/**
 * The render-budget baseline, not a page anyone uses (`/purchase-orders?baseline=naive`): the
 * seed's way, kept only so that `bench/po-render.ts` can measure the real page against it in the
 * same run. One EventSource of its own, one `setState` per event in a React Context that every
 * card and row reads, and an animated feed that grows without bound.
 */
interface NaiveState {
  tasks: Record<string, Task>;
  feed: { id: number; at: number; task: Task }[];
}

const NaiveContext = createContext<NaiveState>({ tasks: {}, feed: [] });
let nextRow = 0;

function NaiveProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<NaiveState>({ tasks: {}, feed: [] });
  useEffect(() => {
    const source = new EventSource('/api/events');
    source.addEventListener('snapshot', (e) => {
      const parsed = snapshotDataSchema.safeParse(JSON.parse(e.data));
      if (parsed.success)
        setState((s) => ({ ...s, tasks: Object.fromEntries(parsed.data.tasks.map((t) => [t.id, t])) }));
    });
    for (const name of ['started', 'progress', 'completed', 'failed', 'cancelled']) {
      source.addEventListener(name, (e) => {
        const parsed = taskEventDataSchema.safeParse(JSON.parse(e.data));
        if (!parsed.success) return;
        const task = parsed.data.task;
        nextRow += 1;
        const row = { id: nextRow, at: Date.now(), task };
        setState((s) => ({ tasks: { ...s.tasks, [task.id]: task }, feed: [row, ...s.feed] }));
      });
    }
    return () => source.close();
  }, []);
  return <NaiveContext.Provider value={state}>{children}</NaiveContext.Provider>;
}

function NaiveCards() {
  const { tasks } = useContext(NaiveContext);
  const pos = Object.values(tasks).filter((t) => t.type === 'po_processing');
  return (
    <div className="space-y-3">
      {pos.map((task) => {
        const poNumber = typeof task.data?.poNumber === 'string' ? task.data.poNumber : task.id;
        return (
          <Card key={task.id} className="space-y-2 p-4">
            <h3 className="text-sm font-semibold">{poNumber}</h3>
            <PoStageBars poNumber={poNumber} task={task} />
            <p className="text-xs text-slate-600">{task.message}</p>
          </Card>
        );
      })}
    </div>
  );
}

function NaiveFeed() {
  const { feed } = useContext(NaiveContext);
  return (
    <LazyMotion features={domAnimation} strict>
      <ol aria-label="Activity (naive baseline)">
        <AnimatePresence initial={false}>
          {feed.map((row) => (
            <m.li
              key={row.id}
              initial={{ opacity: 0, y: -8 }}
              animate={{ opacity: 1, y: 0 }}
              className="py-1 text-sm"
            >
              <time className="font-mono text-xs">{formatClock(row.at)}</time> {row.task.message}
            </m.li>
          ))}
        </AnimatePresence>
      </ol>
    </LazyMotion>
  );
}

export function NaivePoPage() {
  return (
    <NaiveProvider>
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold">Purchase orders (naive baseline)</h1>
        <div className="grid gap-4 lg:grid-cols-2">
          <NaiveCards />
          <Card className="p-4">
            <NaiveFeed />
          </Card>
        </div>
      </div>
    </NaiveProvider>
  );
}
