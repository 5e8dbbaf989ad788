/**
 * The gallery's sections: every progress component in every state, side by side. All tasks come
 * from `demo-tasks.ts` (the registry's scripts); nothing here copies a registry text.
 */
import { useState } from 'react';
import { getTaskType, type Task, type TaskStatus, taskScript, taskStatuses } from '../../protocol';
import { ActivityFeedRow, describeActivity } from '../components/ui/activity-feed-row';
import { StatusBadge } from '../components/ui/badge';
import { Card } from '../components/ui/card';
import { ConnectionIndicator } from '../components/ui/connection-indicator';
import { PipelineCard } from '../components/ui/pipeline-card';
import { ProgressBar } from '../components/ui/progress-bar';
import { taskColors } from '../components/ui/task-look';
import { CommunitiesHeader } from '../features/communities/components/communities-header';
import { RebuildTaskCard } from '../features/communities/components/rebuild-task-card';
import { ProgressCard } from '../features/progress/components/progress-card';
import { useNow } from '../lib/use-now';
import type { ConnectionState } from '../stores/connection-store';
import { demoCreatedAt, demoTask, manyTasks, taskStates } from './demo-tasks';
import { GallerySection, StateCell, StateGrid } from './gallery-layout';

const noop = () => undefined;

export function ProgressBarSection() {
  const type = 'po_processing';
  const def = getTaskType(type);
  const colors = taskColors(type);
  const failed = demoTask(type, { kind: 'failed' });
  const bars = [
    { key: 'running-0', label: '0 %', percent: 0, bar: colors.bar },
    { key: 'running-37', label: '37 %', percent: 37, bar: colors.bar },
    { key: 'running-100', label: '100 %', percent: 100, bar: colors.bar },
    {
      key: 'failed',
      label: `Failed at ${failed.progress.percent} %`,
      percent: failed.progress.percent,
      bar: 'bg-red-500',
    },
  ];
  return (
    <GallerySection
      id="progress-bar"
      title="Progress bar"
      description="Determinate, with aria values; the fill moves on the compositor and jumps under reduced motion."
    >
      <StateGrid>
        {bars.map((b) => (
          <StateCell key={b.key} label={b.label} stateKey={b.key}>
            <ProgressBar percent={b.percent} label={`${def.title}, ${b.label}`} barClassName={b.bar} />
          </StateCell>
        ))}
        <StateCell label="Small, 37 %" stateKey="small-37">
          <ProgressBar percent={37} label={`${def.title}, small`} barClassName={colors.bar} size="sm" />
        </StateCell>
      </StateGrid>
    </GallerySection>
  );
}

/**
 * A gallery card: its buttons work on the sample only (Cancel shows the cancelled state, Retry the
 * running one), so trying them never reaches the API with an id that does not exist.
 */
function SampleProgressCard({ task }: { task: Task }) {
  const [shown, setShown] = useState(task);
  const now = () => new Date(Date.now()).toISOString();
  return (
    <ProgressCard
      task={shown}
      onCancel={() => setShown({ ...shown, status: 'cancelled', message: 'Cancelled', finishedAt: now() })}
      onRetry={() =>
        setShown(task.status === 'failed' ? { ...task, status: 'running', error: undefined } : task)
      }
      onDismiss={() => setShown(task)}
    />
  );
}

export function ProgressCardSection() {
  const type = 'po_processing';
  return (
    <GallerySection
      id="progress-card"
      title="Progress card (toast)"
      description="One task in the global progress stack: step, message, ETA, cancel; the end result or the error."
    >
      <StateGrid variant="cards">
        {taskStates.map((s) => (
          <StateCell key={s.key} label={s.label} stateKey={s.key}>
            <SampleProgressCard task={demoTask(type, s.state)} />
          </StateCell>
        ))}
      </StateGrid>
      <h3 className="pt-2 text-sm font-semibold text-slate-700">Many tasks: one of every type at once</h3>
      <div className="grid grid-cols-[minmax(0,1fr)] gap-3 sm:grid-cols-2" data-state="many">
        {manyTasks().map((task) => (
          <SampleProgressCard key={task.id} task={task} />
        ))}
      </div>
    </GallerySection>
  );
}

function connectionStates(now: number): { key: string; label: string; state: ConnectionState }[] {
  return [
    { key: 'connecting', label: 'Connecting', state: { status: 'connecting' } },
    { key: 'live', label: 'Live', state: { status: 'live', since: now } },
    {
      key: 'reconnecting',
      label: 'Reconnecting (attempt 3)',
      state: { status: 'reconnecting', attempt: 3, nextAt: now + 8000 },
    },
    {
      key: 'polling',
      label: 'Polling',
      state: { status: 'polling', intervalMs: 5000, attempt: 4, nextAt: now + 5000 },
    },
    { key: 'offline', label: 'Offline', state: { status: 'offline' } },
    { key: 'signed-out', label: 'Signed out', state: { status: 'signed-out' } },
  ];
}

export function ConnectionIndicatorSection() {
  const [mountedAt] = useState(() => Date.now());
  // A heartbeat every 3 s, so the live state shows its pulse.
  const beat = useNow(true, 3000);
  return (
    <GallerySection
      id="connection-indicator"
      title="Connection indicator"
      description="Which mode live updates are in; reconnecting counts down to the next attempt."
    >
      <StateGrid>
        {connectionStates(mountedAt).map((c) => (
          <StateCell key={c.key} label={c.label} stateKey={c.key}>
            <ConnectionIndicator state={c.state} lastHeartbeatAt={c.key === 'live' ? beat : null} />
          </StateCell>
        ))}
      </StateGrid>
    </GallerySection>
  );
}

export function StatusBadgeSection() {
  return (
    <GallerySection id="status-badge" title="Status badge" description="A task's status, colour-coded.">
      <StateGrid>
        {taskStatuses.map((status: TaskStatus) => (
          <StateCell key={status} label={status} stateKey={status}>
            <StatusBadge status={status} />
          </StateCell>
        ))}
      </StateGrid>
    </GallerySection>
  );
}

export function ActivityFeedSection() {
  const type = 'po_processing';
  const def = getTaskType(type);
  const script = taskScript({ id: 'demo-feed-po', ownerId: 'demo', type, createdAt: demoCreatedAt });
  const failed = demoTask(type, { kind: 'failed' });
  const cancelled = demoTask(type, { kind: 'cancelled', percent: 37 });
  const rows = [
    ...script.map((e, i) => ({ key: `${e.name}-${i}`, kind: e.name, task: e.task })),
    { key: 'failed', kind: 'failed' as const, task: failed },
    { key: 'cancelled', kind: 'cancelled' as const, task: cancelled },
  ];
  return (
    <GallerySection
      id="activity-feed-row"
      title="Activity feed row"
      description="HH:MM:SS, a colour-coded badge and the message: a purchase order's whole run, then a failure and a cancellation."
    >
      <Card className="p-3">
        <ol aria-label={`${def.title} activity`} className="divide-y divide-slate-100">
          {rows.map((r) => (
            <ActivityFeedRow
              key={r.key}
              at={r.task.updatedAt}
              kind={r.kind}
              title={def.title}
              message={describeActivity(r.kind, r.task)}
            />
          ))}
        </ol>
      </Card>
    </GallerySection>
  );
}

export function TaskCardSection() {
  return (
    <GallerySection
      id="task-card"
      title="Task card"
      description="The Communities page's rebuild card: bar, message, step and ETA; result stats, error with retry."
    >
      <StateGrid variant="wide">
        {taskStates.map((s) => (
          <StateCell key={s.key} label={s.label} stateKey={s.key}>
            <RebuildTaskCard
              task={demoTask('rebuild_communities', s.state)}
              onRetry={noop}
              retrying={false}
            />
          </StateCell>
        ))}
      </StateGrid>
    </GallerySection>
  );
}

export function PipelineCardSection() {
  return (
    <GallerySection
      id="pipeline-card"
      title="Pipeline card"
      description="A purchase order's stages from the registry, each with its own bar; a failure stops in its stage."
    >
      <StateGrid variant="wide">
        {taskStates.map((s) => (
          <StateCell key={s.key} label={s.label} stateKey={s.key}>
            <PipelineCard task={demoTask('po_processing', s.state)} />
          </StateCell>
        ))}
      </StateGrid>
    </GallerySection>
  );
}

const headerStates = [
  { key: 'idle', label: 'Idle', running: false, starting: false, error: null },
  { key: 'starting', label: 'Starting', running: false, starting: true, error: null },
  { key: 'running', label: 'Running', running: true, starting: false, error: null },
  {
    key: 'start-failed',
    label: 'Could not start',
    running: false,
    starting: false,
    error: new Error('too many tasks are running, try again in a minute'),
  },
] as const;

export function PageHeaderSection() {
  return (
    <GallerySection
      id="page-header"
      title="Page headers"
      description="A page's title, what it is for and its main action, in each state of the action."
    >
      <StateGrid variant="wide">
        {headerStates.map((h) => (
          <StateCell key={h.key} label={h.label} stateKey={h.key}>
            <CommunitiesHeader
              headingLevel="h3"
              running={h.running}
              starting={h.starting}
              error={h.error}
              onRebuild={noop}
            />
          </StateCell>
        ))}
      </StateGrid>
    </GallerySection>
  );
}
