import { useId } from 'react';
import type { LeadSort } from '../../../../protocol';

export interface LeadsFiltersProps {
  sort: LeadSort;
  onSort: (sort: LeadSort) => void;
  subreddit: string | null;
  onSubreddit: (subreddit: string | null) => void;
  /** Subreddits with leads or found by discovery. */
  subreddits: readonly string[];
  /** Those `subreddit_discovery` found (marked on their chip). */
  discovered: ReadonlySet<string>;
}

const chipClass = (active: boolean) =>
  `rounded-full px-2.5 py-1 text-xs font-medium ring-1 ring-inset ${
    active
      ? 'bg-indigo-600 text-white ring-indigo-600'
      : 'bg-white text-slate-700 ring-slate-300 hover:bg-slate-50'
  }`;

/** Sort order and the subreddit filter (chips: a toggle group of buttons with `aria-pressed`). */
export function LeadsFilters({
  sort,
  onSort,
  subreddit,
  onSubreddit,
  subreddits,
  discovered,
}: LeadsFiltersProps) {
  const sortId = useId();
  return (
    <div className="mt-2 space-y-2">
      <div className="flex items-center gap-2 text-sm">
        <label htmlFor={sortId} className="text-slate-600">
          Sort by
        </label>
        <select
          id={sortId}
          value={sort}
          onChange={(e) => onSort(e.target.value === 'score' ? 'score' : 'newest')}
          className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
        >
          <option value="newest">Newest</option>
          <option value="score">Score</option>
        </select>
      </div>
      {subreddits.length > 0 && (
        <fieldset>
          <legend className="sr-only">Filter by subreddit</legend>
          <div className="flex flex-wrap gap-1.5" data-testid="subreddit-chips">
            <button
              type="button"
              className={chipClass(subreddit === null)}
              aria-pressed={subreddit === null}
              onClick={() => onSubreddit(null)}
            >
              All subreddits
            </button>
            {subreddits.map((name) => (
              <button
                key={name}
                type="button"
                className={chipClass(subreddit === name)}
                aria-pressed={subreddit === name}
                onClick={() => onSubreddit(subreddit === name ? null : name)}
                title={discovered.has(name) ? 'Found by subreddit discovery' : undefined}
              >
                r/{name}
                {discovered.has(name) && <span aria-hidden="true"> ★</span>}
                {discovered.has(name) && <span className="sr-only"> (discovered)</span>}
              </button>
            ))}
          </div>
        </fieldset>
      )}
    </div>
  );
}
