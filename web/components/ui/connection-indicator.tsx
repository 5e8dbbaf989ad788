import { Loader2, Wifi, WifiOff } from 'lucide-react';
import { useEffect, useId, useRef, useState } from 'react';
import { useNow } from '../../lib/use-now';
import { type ConnectionState, useConnectionStore } from '../../stores/connection-store';

/**
 * What the indicator says for a state: one short `word` for the header, a `detail` sentence for
 * the popover and screen readers; `now` drives the countdown.
 */
export function describeConnection(state: ConnectionState, now: number): { word: string; detail: string } {
  switch (state.status) {
    case 'connecting':
      return { word: 'Connecting', detail: 'Opening live updates…' };
    case 'live':
      return { word: 'Live', detail: 'Live updates are on: progress appears the moment it happens.' };
    case 'reconnecting': {
      const s = Math.ceil((state.nextAt - now) / 1000);
      return {
        word: 'Reconnecting',
        detail: `Connection lost (attempt ${state.attempt}); ${s > 0 ? `trying again in ${s} s` : 'trying again now'}.`,
      };
    }
    case 'polling':
      return {
        word: 'Polling',
        detail: `Live updates paused — checking every ${Math.round(state.intervalMs / 1000)} s until the live connection is back.`,
      };
    case 'offline':
      return { word: 'Offline', detail: 'No network: updates resume when you are back online.' };
    case 'signed-out':
      return { word: 'Signed out', detail: 'Sign in to see live updates.' };
  }
}

/** A mode change is announced only once it has held this long: a flap that heals itself is not news. */
export const CONNECTION_SETTLE_MS = 3000;

const spoken: Record<ConnectionState['status'], string | null> = {
  connecting: null,
  live: 'Live updates are back on',
  reconnecting: 'Connection lost, reconnecting',
  polling: 'Live updates paused; checking for progress every few seconds',
  offline: 'Offline: updates resume when you are back online',
  'signed-out': null,
};

/**
 * The message for the connection live region: a state is spoken once it has lasted
 * `CONNECTION_SETTLE_MS`, and only if it differs from what was last spoken (the first "live" of a
 * page is not news either).
 */
function useSettledAnnouncement(status: ConnectionState['status'], enabled: boolean): string {
  const [message, setMessage] = useState('');
  const lastSpoken = useRef<ConnectionState['status']>('live');
  useEffect(() => {
    if (!enabled || status === lastSpoken.current) return;
    const timer = setTimeout(() => {
      const text = spoken[status];
      lastSpoken.current = status;
      if (text) setMessage(text);
    }, CONNECTION_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [status, enabled]);
  return message;
}

export interface ConnectionIndicatorProps {
  /** Overrides the store (the demo gallery shows every state). */
  state?: ConnectionState;
  lastHeartbeatAt?: number | null;
}

const tones: Record<ConnectionState['status'], string> = {
  live: 'text-emerald-800 bg-emerald-50 ring-emerald-300',
  connecting: 'text-slate-700 bg-slate-50 ring-slate-300',
  'signed-out': 'text-slate-700 bg-slate-50 ring-slate-300',
  reconnecting: 'text-amber-900 bg-amber-50 ring-amber-300',
  polling: 'text-amber-900 bg-amber-50 ring-amber-300',
  offline: 'text-amber-900 bg-amber-50 ring-amber-300',
};

/**
 * Seed 004's Wifi / WifiOff indicator: an icon and one word, so the header fits a 320 px screen in
 * every state; the whole sentence is in a popover (click or Enter) and in the button's name.
 */
export function ConnectionIndicator({ state, lastHeartbeatAt }: ConnectionIndicatorProps) {
  const stored = useConnectionStore((s) => s.connection);
  const storedBeat = useConnectionStore((s) => s.lastHeartbeatAt);
  const connection = state ?? stored;
  const beat = lastHeartbeatAt === undefined ? storedBeat : lastHeartbeatAt;
  const [open, setOpen] = useState(false);
  const now = useNow(connection.status === 'reconnecting' && open);
  const { word, detail } = describeConnection(connection, now);
  const announcement = useSettledAnnouncement(connection.status, state === undefined);
  const panelId = useId();
  const wrapper = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  // The popover closes on Escape (focus back on the button), a click elsewhere or focus leaving.
  useEffect(() => {
    if (!open) return;
    const outside = (target: EventTarget | null) => !wrapper.current?.contains(target as Node | null);
    const onPointerDown = (event: PointerEvent) => {
      if (outside(event.target)) setOpen(false);
    };
    const onFocusIn = (event: FocusEvent) => {
      if (outside(event.target)) setOpen(false);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('pointerdown', onPointerDown);
    document.addEventListener('focusin', onFocusIn);
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown);
      document.removeEventListener('focusin', onFocusIn);
      document.removeEventListener('keydown', onKeyDown);
    };
  }, [open]);

  return (
    <div ref={wrapper} className="relative" data-connection={connection.status}>
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((x) => !x)}
        className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-1 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${tones[connection.status]}`}
      >
        {connection.status === 'live' ? (
          <span className="relative inline-flex">
            <Wifi className="size-3.5" aria-hidden="true" />
            {beat !== null && (
              // A new key per heartbeat restarts the one-shot pulse.
              <span
                key={beat}
                className="absolute inset-0 rounded-full bg-emerald-400 opacity-0 animate-[heartbeat-pulse_0.9s_ease-out] motion-reduce:hidden"
                aria-hidden="true"
              />
            )}
          </span>
        ) : connection.status === 'connecting' ? (
          <Loader2 className="size-3.5 animate-spin motion-reduce:animate-none" aria-hidden="true" />
        ) : (
          <WifiOff className="size-3.5" aria-hidden="true" />
        )}
        <span>{word}</span>
        <span className="sr-only">, connection details</span>
      </button>
      <div
        id={panelId}
        hidden={!open}
        className="fixed inset-x-2 top-14 z-50 rounded-lg sm:absolute sm:inset-x-auto sm:top-full sm:right-0 sm:mt-2 sm:w-64 bg-white p-3 text-xs text-slate-700 shadow-lg ring-1 ring-slate-200"
      >
        {detail}
      </div>
      {/* Screen readers hear a mode once it has settled, not every flap or countdown tick; the
          gallery's sample indicators stay silent. */}
      {state === undefined && (
        <span className="sr-only" role="status" aria-live="polite">
          {announcement}
        </span>
      )}
    </div>
  );
}
