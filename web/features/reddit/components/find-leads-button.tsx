import { Loader2, Search } from 'lucide-react';
import { Button } from '../../../components/ui/button';

export interface FindLeadsButtonProps {
  /** A search is running (or being started): the button says so and does nothing. */
  busy: boolean;
  onStart: () => void;
}

/**
 * "Find More Leads". While busy it stays focusable (`aria-disabled`, not `disabled`): a disabled
 * button drops keyboard focus to the page, and a person pressing it should stay where they are.
 */
export function FindLeadsButton({ busy, onStart }: FindLeadsButtonProps) {
  return (
    <Button
      aria-disabled={busy}
      onClick={() => {
        if (!busy) onStart();
      }}
      className={busy ? 'cursor-progress opacity-80' : ''}
      data-testid="find-leads"
    >
      {busy ? (
        <Loader2 className="size-4 animate-spin motion-reduce:animate-none" aria-hidden="true" />
      ) : (
        <Search className="size-4" aria-hidden="true" />
      )}
      {busy ? 'Finding…' : 'Find More Leads'}
    </Button>
  );
}
