import { FileText, Package } from 'lucide-react';
import { runDetailsOf, type Task } from '../../../../protocol';

/** The run's report and artifacts, once it has them; `name` makes each link's text unique on a list. */
export function RunLinks({ task, name }: { task: Task; name: string }) {
  const { reportUrl, artifactsUrl } = runDetailsOf(task);
  if (typeof reportUrl !== 'string') return <span className="text-slate-500">—</span>;
  return (
    <span className="flex flex-wrap gap-x-3 gap-y-1">
      <a className="inline-flex items-center gap-1 text-indigo-700 underline" href={reportUrl}>
        <FileText className="size-3.5" aria-hidden="true" />
        Report<span className="sr-only"> of {name}</span>
      </a>
      {typeof artifactsUrl === 'string' && (
        <a className="inline-flex items-center gap-1 text-indigo-700 underline" href={artifactsUrl}>
          <Package className="size-3.5" aria-hidden="true" />
          Artifacts<span className="sr-only"> of {name}</span>
        </a>
      )}
    </span>
  );
}
