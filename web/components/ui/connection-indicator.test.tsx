import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setConnectionState } from '../../stores/connection-store';
import { CONNECTION_SETTLE_MS, ConnectionIndicator, describeConnection } from './connection-indicator';

describe('ConnectionIndicator', () => {
  afterEach(() => vi.useRealTimers());

  it('says each connection state in one short word, with the details in a sentence', () => {
    const now = 1_000_000;
    const words = [
      describeConnection({ status: 'connecting' }, now),
      describeConnection({ status: 'live', since: now }, now),
      describeConnection({ status: 'reconnecting', attempt: 2, nextAt: now + 3200 }, now),
      describeConnection({ status: 'polling', intervalMs: 5000, attempt: 3, nextAt: now + 4000 }, now),
      describeConnection({ status: 'offline' }, now),
    ].map((d) => d.word);
    expect(words).toEqual(['Connecting', 'Live', 'Reconnecting', 'Polling', 'Offline']);
    expect(words.every((w) => w.length <= 12)).toBe(true);
    expect(
      describeConnection({ status: 'reconnecting', attempt: 2, nextAt: now + 3200 }, now).detail,
    ).toContain('trying again in 4 s');
    expect(
      describeConnection({ status: 'polling', intervalMs: 5000, attempt: 3, nextAt: now + 4000 }, now).detail,
    ).toContain('checking every 5 s');
  });

  it('follows the connection store and opens its details on demand', async () => {
    const user = userEvent.setup();
    const { container } = render(<ConnectionIndicator />);
    const indicator = () => container.querySelector('[data-connection]');
    expect(indicator()).toHaveAttribute('data-connection', 'connecting');
    act(() => setConnectionState({ status: 'polling', intervalMs: 5000, attempt: 4, nextAt: Date.now() }));
    expect(indicator()).toHaveAttribute('data-connection', 'polling');
    const button = screen.getByRole('button', { name: /Polling/ });
    expect(screen.getByText(/checking every 5 s/)).not.toBeVisible();
    await user.click(button);
    expect(button).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getByText(/checking every 5 s/)).toBeVisible();
    await user.keyboard('{Escape}');
    expect(button).toHaveAttribute('aria-expanded', 'false');
    expect(button).toHaveFocus();
  });

  it('stays silent through connection flaps shorter than a few seconds', () => {
    vi.useFakeTimers();
    render(<ConnectionIndicator />);
    const region = screen.getByRole('status');
    act(() => setConnectionState({ status: 'live', since: Date.now() }));
    // Nine flaps in eight seconds, each healed well within the settle time.
    for (let flap = 0; flap < 9; flap++) {
      act(() => setConnectionState({ status: 'reconnecting', attempt: 1, nextAt: Date.now() + 1000 }));
      act(() => vi.advanceTimersByTime(400));
      act(() => setConnectionState({ status: 'live', since: Date.now() }));
      act(() => vi.advanceTimersByTime(500));
    }
    act(() => vi.advanceTimersByTime(CONNECTION_SETTLE_MS * 2));
    expect(region).toBeEmptyDOMElement();
  });

  it('announces a mode once it has held, and the way back', () => {
    vi.useFakeTimers();
    render(<ConnectionIndicator />);
    const region = screen.getByRole('status');
    act(() => setConnectionState({ status: 'live', since: Date.now() }));
    act(() => setConnectionState({ status: 'polling', intervalMs: 5000, attempt: 4, nextAt: Date.now() }));
    act(() => vi.advanceTimersByTime(CONNECTION_SETTLE_MS - 100));
    expect(region).toBeEmptyDOMElement();
    act(() => vi.advanceTimersByTime(100));
    expect(region).toHaveTextContent('Live updates paused');
    act(() => setConnectionState({ status: 'live', since: Date.now() }));
    act(() => vi.advanceTimersByTime(CONNECTION_SETTLE_MS));
    expect(region).toHaveTextContent('Live updates are back on');
  });

  it('never announces the sample states of the gallery', () => {
    render(<ConnectionIndicator state={{ status: 'offline' }} />);
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });
});
