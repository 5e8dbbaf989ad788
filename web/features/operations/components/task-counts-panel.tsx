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

/** Tasks by type and outcome since this server process started (from `taskstream_task_events_total`). */
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
        <div className="overflow-x-auto">
          <table className="w-full min-w-[28rem] text-sm">
            <caption className="sr-only">Tasks by type and status since the server started</caption>
            <thead className="text-left text-xs text-slate-600">
              <tr>
                <th scope="col" className="py-1 pr-2 font-medium">
                  Type
                </th>
                {['Started', 'Running', 'Completed', 'Failed', 'Cancelled'].map((h) => (
                  <th key={h} scope="col" className="px-2 py-1 text-right font-medium">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {tasks.map((t) => {
                const running = Math.max(0, t.started - t.completed - t.failed - t.cancelled);
                return (
                  <tr key={t.type} data-type={t.type}>
                    <th scope="row" className="py-1.5 pr-2 text-left font-medium">
                      {titleOf(t.type)}
                    </th>
                    {[t.started, running, t.completed, t.failed, t.cancelled].map((n, i) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: fixed columns, in header order
                      <td key={i} className="px-2 py-1.5 text-right tabular-nums">
                        {n}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
