import { RefreshCw } from 'lucide-react';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { formatClock } from '../../../lib/format';
import { useCommunities } from '../api/get-communities';

export function CommunitiesTable() {
  const { data, error, isPending, isFetching, refetch } = useCommunities();

  return (
    <Card className="overflow-hidden">
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-100 px-4 py-3">
        <div>
          <h2 className="text-base font-semibold">Communities</h2>
          <p className="text-xs text-slate-500" data-testid="communities-caption">
            {data
              ? data.rebuiltAt
                ? `${data.communities.length} communities · rebuild #${data.generation} at ${formatClock(data.rebuiltAt)}`
                : `${data.communities.length} communities · never rebuilt`
              : ' '}
          </p>
        </div>
        <span className="text-xs text-slate-500" aria-live="polite">
          {isFetching && !isPending ? 'Refreshing…' : ''}
        </span>
      </div>
      {isPending ? (
        <div role="status" className="space-y-2 p-4" aria-busy="true" aria-label="Loading communities">
          {[0, 1, 2, 3].map((i) => (
            <div key={i} className="h-8 animate-pulse rounded bg-slate-100 motion-reduce:animate-none" />
          ))}
        </div>
      ) : error ? (
        <div role="alert" className="flex flex-wrap items-center gap-3 p-4 text-sm text-red-700">
          Could not load communities: {error.message}
          <Button variant="secondary" size="sm" onClick={() => void refetch()}>
            <RefreshCw className="size-3.5" aria-hidden="true" />
            Try again
          </Button>
        </div>
      ) : data.communities.length === 0 ? (
        <p className="p-4 text-sm text-slate-500">No communities yet. Rebuild to detect them.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[18rem] text-left text-sm">
            <caption id="communities-caption" className="sr-only">
              Communities detected in your knowledge graph
            </caption>
            <thead className="bg-slate-50 text-xs tracking-wide text-slate-500 uppercase">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">
                  Name
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  Members
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  Edges
                </th>
                <th scope="col" className="hidden px-4 py-2 font-medium sm:table-cell">
                  Summary
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100" data-generation={data.generation}>
              {data.communities.map((c) => (
                <tr key={c.id} className="hover:bg-slate-50">
                  <th scope="row" className="px-4 py-2 font-medium text-slate-900">
                    {c.name}
                  </th>
                  <td className="px-4 py-2 text-right tabular-nums">{c.members}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{c.edges}</td>
                  <td className="hidden px-4 py-2 text-slate-500 sm:table-cell">{c.summary}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
