import { Info, Play, Plus } from 'lucide-react';
import { AnimatePresence } from 'motion/react';
import { useEffect, useId, useState } from 'react';
import { type ScenarioName, scenarioDescriptions, scenarioNames } from '../../mocks/scenario-catalog';
import {
  getTaskType,
  isTerminal,
  type Task,
  type TaskEventName,
  type TaskType,
  taskEventNameFor,
  taskTypeNames,
} from '../../protocol';
import { ActivityFeedRow, describeActivity } from '../components/ui/activity-feed-row';
import { StatusBadge } from '../components/ui/badge';
import { Button } from '../components/ui/button';
import { Card } from '../components/ui/card';
import { ProgressBar } from '../components/ui/progress-bar';
import { taskColors } from '../components/ui/task-look';
import { scenarioUrl, setRunningScenario, useRunningScenario } from '../dev/running-scenario';
import { useStartTask } from '../features/tasks/api/start-task';
import { formatDuration } from '../lib/format';
import { useNow } from '../lib/use-now';
import { subscribeTaskChanges, useTaskStore } from '../stores/task-store';
import { GallerySection } from './gallery-layout';

/** MSW in the browser, in development only: a production build has no such chunk. */
async function loadMocks(): Promise<typeof import('../../mocks/browser') | null> {
  if (!import.meta.env.DEV) return null;
  return import('../../mocks/browser');
}

const feedMax = 40;
const liveMax = 8;

interface FeedEntry {
  key: string;
  at: number;
  kind: TaskEventName;
  title: string;
  message: string;
}

/** Every task change the store applies from now on, newest first. */
function useActivityFeed(resetKey: unknown): FeedEntry[] {
  const [entries, setEntries] = useState<FeedEntry[]>([]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new run starts a new feed
  useEffect(() => {
    setEntries([]);
    let seq = 0;
    return subscribeTaskChanges((changes) => {
      const at = Date.now();
      const fresh = changes.map(({ previous, task }) => {
        const kind = taskEventNameFor(task, previous === undefined);
        return {
          key: `${task.id}-${task.version}-${++seq}`,
          at,
          kind,
          title: getTaskType(task.type).title,
          message: describeActivity(kind, task),
        };
      });
      setEntries((old) => [...fresh.reverse(), ...old].slice(0, feedMax));
    });
  }, [resetKey]);
  return entries;
}

function byNewest(a: Task, b: Task): number {
  return b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);
}

function LiveTasks() {
  const tasks = useTaskStore((s) => s.byId);
  const list = Object.values(tasks).sort(byNewest);
  const active = list.filter((t) => !isTerminal(t.status)).length;
  return (
    <div>
      <h3 className="mb-1 text-sm font-semibold text-slate-700">
        Tasks <span className="font-normal text-slate-500">({active} running)</span>
      </h3>
      {list.length === 0 ? (
        <p className="text-sm text-slate-500">No tasks yet.</p>
      ) : (
        <ul aria-label="Live tasks" className="space-y-2">
          {list.slice(0, liveMax).map((task) => (
            <li key={task.id} data-status={task.status} className="space-y-1">
              <div className="flex flex-wrap items-center gap-2 text-sm">
                <span className="font-medium">{getTaskType(task.type).title}</span>
                <StatusBadge status={task.status} />
                <span className="ml-auto text-xs text-slate-500 tabular-nums">{task.progress.percent}%</span>
              </div>
              <ProgressBar
                percent={task.progress.percent}
                label={`${getTaskType(task.type).title} (${task.id})`}
                size="sm"
                barClassName={task.status === 'failed' ? 'bg-red-500' : taskColors(task.type).bar}
              />
              <p className="truncate text-xs text-slate-500">
                {task.status === 'failed' ? task.error : (task.message ?? 'Starting…')}
              </p>
            </li>
          ))}
        </ul>
      )}
      {list.length > liveMax && (
        <p className="mt-1 text-xs text-slate-500">and {list.length - liveMax} more</p>
      )}
    </div>
  );
}

function StartTask() {
  const [type, setType] = useState<TaskType>('rebuild_communities');
  const start = useStartTask();
  const id = useId();
  return (
    <form
      className="flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        start.mutate({ type });
      }}
    >
      <div className="min-w-0">
        <label htmlFor={id} className="block text-xs font-medium text-slate-600">
          Start a task
        </label>
        <select
          id={id}
          value={type}
          onChange={(e) => setType(e.target.value as TaskType)}
          className="max-w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
        >
          {taskTypeNames.map((t) => (
            <option key={t} value={t}>
              {getTaskType(t).title}
            </option>
          ))}
        </select>
      </div>
      <Button type="submit" variant="secondary" disabled={start.isPending}>
        <Plus className="size-4" aria-hidden="true" />
        Start
      </Button>
      {start.error && (
        <p role="alert" className="w-full text-xs text-red-700">
          Could not start: {start.error.message}
        </p>
      )}
    </form>
  );
}

export interface ScenarioPlayerProps {
  /** Scenarios can run here (development). Default `import.meta.env.DEV`; a production build shows a note. */
  available?: boolean;
  /** Loads an address: starting MSW on a page that runs the real API takes a reload. */
  navigate?: (href: string) => void;
}

/** Runs any mock scenario live on this page and shows what the app receives: connection, tasks, feed. */
export function ScenarioPlayer({
  available = import.meta.env.DEV,
  navigate = (href) => window.location.assign(href),
}: ScenarioPlayerProps) {
  const running = useRunningScenario();
  const [selected, setSelected] = useState<ScenarioName>(running ?? 'happy');
  const [run, setRun] = useState<{ name: ScenarioName; startedAt: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const feed = useActivityFeed(run);
  const now = useNow(run !== null);
  const selectId = useId();
  const descriptionId = useId();

  const play = async () => {
    setError(null);
    if (running === null) {
      // MSW starts before the app's first request, so a page on the real API reloads onto it.
      navigate(scenarioUrl(selected));
      return;
    }
    try {
      const mocks = await loadMocks();
      if (!mocks) return;
      mocks.switchScenario(selected);
      setRunningScenario(selected);
      setRun({ name: selected, startedAt: Date.now() });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <GallerySection
      id="scenario-player"
      title="Scenario player"
      description="Runs any mock scenario live on this page: the header, the progress stack and everything below follow it."
    >
      <Card className="space-y-4 p-4">
        {available ? (
          <div className="space-y-2">
            <div className="flex flex-wrap items-end gap-2">
              <div className="min-w-0">
                <label htmlFor={selectId} className="block text-xs font-medium text-slate-600">
                  Scenario
                </label>
                <select
                  id={selectId}
                  value={selected}
                  aria-describedby={descriptionId}
                  onChange={(e) => setSelected(e.target.value as ScenarioName)}
                  className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
                >
                  {scenarioNames.map((name) => (
                    <option key={name} value={name} title={scenarioDescriptions[name]}>
                      {name}
                    </option>
                  ))}
                </select>
              </div>
              <Button onClick={() => void play()}>
                <Play className="size-4" aria-hidden="true" />
                {running === null ? 'Play (reloads on MSW)' : `Play ${selected}`}
              </Button>
            </div>
            <p id={descriptionId} className="text-sm text-slate-600">
              {scenarioDescriptions[selected]}
            </p>
            <p className="text-xs text-slate-500" aria-live="polite" data-testid="scenario-status">
              {running === null
                ? 'This page runs on the real API; playing a scenario reloads it on MSW.'
                : run
                  ? `Playing ${run.name} for ${formatDuration(now - run.startedAt)}.`
                  : `Running on MSW: ${running}.`}
            </p>
            {error && (
              <p role="alert" className="text-sm text-red-700">
                Could not switch the scenario: {error}
              </p>
            )}
          </div>
        ) : (
          <p className="flex items-start gap-2 rounded-lg bg-slate-50 p-3 text-sm text-slate-700" role="note">
            <Info className="mt-0.5 size-4 shrink-0 text-indigo-600" aria-hidden="true" />
            <span>
              Scenarios are dev-only: a production build ships nothing of the mocks. Run{' '}
              <code className="rounded bg-white px-1">npm run dev:mocks</code> (or{' '}
              <code className="rounded bg-white px-1">npm run dev</code> and the scenario toolbar) to play
              them here. Below: this page's live tasks.
            </span>
          </p>
        )}

        <div className="border-t border-slate-100 pt-3">
          <StartTask />
        </div>

        <div className="grid grid-cols-[minmax(0,1fr)] gap-4 lg:grid-cols-2">
          <LiveTasks />
          <div>
            <h3 className="mb-1 text-sm font-semibold text-slate-700">Activity</h3>
            {feed.length === 0 ? (
              <p className="text-sm text-slate-500">Events appear here as they arrive.</p>
            ) : (
              <ol
                aria-label="Live activity"
                // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling list must be reachable by keyboard to scroll it.
                tabIndex={0}
                className="max-h-80 divide-y divide-slate-100 overflow-y-auto"
              >
                <AnimatePresence initial={false}>
                  {feed.map((e) => (
                    <ActivityFeedRow
                      key={e.key}
                      at={e.at}
                      kind={e.kind}
                      title={e.title}
                      message={e.message}
                      animate
                    />
                  ))}
                </AnimatePresence>
              </ol>
            )}
          </div>
        </div>
      </Card>
    </GallerySection>
  );
}
