import { act, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { setConnectionState } from '../../stores/connection-store';
import { ConnectionIndicator, describeConnection } from './connection-indicator';

describe('ConnectionIndicator', () => {
  it('says what each connection state means', () => {
    const now = 1_000_000;
    expect(describeConnection({ status: 'live', since: now }, now).label).toBe('Live');
    expect(describeConnection({ status: 'reconnecting', attempt: 2, nextAt: now + 3200 }, now).label).toBe(
      'Reconnecting in 4 s…',
    );
    expect(describeConnection({ status: 'reconnecting', attempt: 2, nextAt: now - 10 }, now).label).toBe(
      'Reconnecting…',
    );
    expect(
      describeConnection({ status: 'polling', intervalMs: 5000, attempt: 3, nextAt: now + 4000 }, now).label,
    ).toBe('Live updates paused — checking every 5 s');
    expect(describeConnection({ status: 'offline' }, now).label).toBe('Offline');
  });

  it('follows the connection store', () => {
    const { container } = render(<ConnectionIndicator />);
    const indicator = () => container.querySelector('[data-connection]');
    expect(indicator()).toHaveAttribute('data-connection', 'connecting');
    expect(screen.getAllByText('Connecting…')).not.toHaveLength(0);
    act(() => setConnectionState({ status: 'live', since: Date.now() }));
    expect(indicator()).toHaveAttribute('data-connection', 'live');
    act(() => setConnectionState({ status: 'polling', intervalMs: 5000, attempt: 4, nextAt: Date.now() }));
    expect(indicator()).toHaveTextContent('Live updates paused — checking every 5 s');
  });

  it('announces the mode, not every tick of the countdown', () => {
    render(<ConnectionIndicator state={{ status: 'reconnecting', attempt: 1, nextAt: Date.now() + 4000 }} />);
    const live = document.querySelector('[aria-live="polite"]');
    expect(live).toHaveTextContent('Connection lost, reconnecting');
  });
});
