import { ListChecks } from 'lucide-react';
import { getTaskType, taskTypeSchema } from '../../../../protocol';
import type { TaskTypeCounts } from '../api/get-operations';
import { Panel } from './panel';

export interface TaskCountsPanelProps {
  tasks: readonly TaskTypeCounts[];
}

function titleOf(type: string): string {
  const known = taskTypeSchema.safeParse(type);
  return known.success ? getTaskType(known.data).title : type;
}

const columns: ReadonlyArray<{ label: string; count: (t: TaskTypeCounts) => number }> = [
  { label: 'Started', count: (t) => t.started },
  { label: 'Running', count: (t) => Math.max(0, t.started - t.completed - t.failed - t.cancelled) },
  { label: 'Completed', count: (t) => t.completed },
  { label: 'Failed', count: (t) => t.failed },
  { label: 'Cancelled', count: (t) => t.cancelled },
];

/**
 * Tasks by type and outcome since this server process started (from `taskstream_task_events_total`):
 * a table where six columns fit, one small grid per type on phones.
 */
export function TaskCountsPanel({ tasks }: TaskCountsPanelProps) {
  return (
    <Panel
      id="task-counts"
      title="Tasks by type and status"
      icon={<ListChecks className="size-4 text-emerald-600" aria-hidden="true" />}
    >
      {tasks.length === 0 ? (
        <p className="text-sm text-slate-600">No task has run on this server since it started.</p>
      ) : (
        <>
          <table className="hidden w-full text-sm sm:table">
            <caption className="sr-only">Tasks by type and status since the server started</caption>
            <thead className="text-left text-xs text-slate-600">
              <tr>
                <th scope="col" className="py-1 pr-2 font-medium">
                  Type
                </th>
                {columns.map(({ label }) => (
                  <th key={label} scope="col" className="px-2 py-1 text-right font-medium">
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {tasks.map((t) => (
                <tr key={t.type} data-type={t.type}>
                  <th scope="row" className="py-1.5 pr-2 text-left font-medium">
                    {titleOf(t.type)}
                  </th>
                  {columns.map(({ label, count }) => (
                    <td key={label} className="px-2 py-1.5 text-right tabular-nums">
                      {count(t)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <ul className="space-y-2 sm:hidden">
            {tasks.map((t) => (
              <li key={t.type} className="rounded-lg bg-slate-50 p-2">
                <p className="text-sm font-medium">{titleOf(t.type)}</p>
                <dl className="mt-1 grid grid-cols-3 gap-1 text-center">
                  {columns.map(({ label, count }) => (
                    <div key={label} className="min-w-0">
                      <dt className="text-xs text-slate-600">{label}</dt>
                      <dd className="text-sm font-semibold tabular-nums">{count(t)}</dd>
                    </div>
                  ))}
                </dl>
              </li>
            ))}
          </ul>
        </>
      )}
    </Panel>
  );
}
