import { useProgressStackStore } from '../../../stores/progress-stack-store';

/**
 * The live regions for task outcomes. Each message is a new node (keyed by its sequence number),
 * so two identical messages in a row are both heard; failures go to the assertive region.
 */
export function ProgressAnnouncer() {
  const polite = useProgressStackStore((s) => s.polite);
  const assertive = useProgressStackStore((s) => s.assertive);
  return (
    <>
      <div className="sr-only" role="status" aria-live="polite" data-testid="progress-announcer-polite">
        {polite && <span key={polite.seq}>{polite.text}</span>}
      </div>
      <div className="sr-only" role="alert" aria-live="assertive" data-testid="progress-announcer-assertive">
        {assertive && <span key={assertive.seq}>{assertive.text}</span>}
      </div>
    </>
  );
}
