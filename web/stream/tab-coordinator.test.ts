import { describe, expect, it } from 'vitest';
import { ChannelHub, FakeLocks } from '../test/fake-tabs';
import { type RelayMessage, TabCoordinator, type TabRole } from './tab-coordinator';

function tab(locks: FakeLocks | undefined, hub: ChannelHub | undefined) {
  const roles: TabRole[] = [];
  const received: RelayMessage[] = [];
  const coordinator = new TabCoordinator({
    locks,
    createChannel: hub?.create,
    onRole: (role) => roles.push(role),
    onMessage: (message) => received.push(message),
  });
  coordinator.start();
  return { coordinator, roles, received };
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('TabCoordinator', () => {
  it('makes the first tab the leader and the others followers', async () => {
    const locks = new FakeLocks();
    const hub = new ChannelHub();
    const tabs = [tab(locks, hub), tab(locks, hub), tab(locks, hub), tab(locks, hub)];
    await tick();
    expect(tabs.map((t) => t.coordinator.role)).toEqual(['leader', 'follower', 'follower', 'follower']);
  });

  it('hands the lead to the longest-waiting tab when the leader closes', async () => {
    const locks = new FakeLocks();
    const hub = new ChannelHub();
    const [a, b, c] = [tab(locks, hub), tab(locks, hub), tab(locks, hub)];
    await tick();
    a?.coordinator.stop();
    await tick();
    expect(b?.coordinator.role).toBe('leader');
    expect(b?.roles).toEqual(['follower', 'leader']);
    expect(c?.coordinator.role).toBe('follower');
  });

  it('does not take the lead after it stopped waiting for it', async () => {
    const locks = new FakeLocks();
    const hub = new ChannelHub();
    const [a, b, c] = [tab(locks, hub), tab(locks, hub), tab(locks, hub)];
    await tick();
    b?.coordinator.stop();
    a?.coordinator.stop();
    await tick();
    expect(c?.coordinator.role).toBe('leader');
    expect(b?.roles).toEqual(['follower']);
  });

  it('streams in every tab on its own when Web Locks or BroadcastChannel are missing', () => {
    expect(tab(undefined, new ChannelHub()).coordinator.role).toBe('standalone');
    expect(tab(new FakeLocks(), undefined).coordinator.role).toBe('standalone');
  });

  it('delivers messages to the other tabs, never back to the sender', async () => {
    const locks = new FakeLocks();
    const hub = new ChannelHub();
    const [a, b] = [tab(locks, hub), tab(locks, hub)];
    await tick();
    a?.coordinator.post({ type: 'heartbeat', at: 5 });
    await tick();
    expect(b?.received).toEqual([{ type: 'heartbeat', at: 5 }]);
    expect(a?.received).toEqual([]);
  });

  it('ignores messages from another version of the app or that break the schema', async () => {
    const locks = new FakeLocks();
    const hub = new ChannelHub();
    const b = tab(locks, hub);
    const other = hub.create();
    other.postMessage({ v: 999, type: 'heartbeat', at: 1 });
    other.postMessage({ v: 1, type: 'ops', ops: [{ kind: 'tasks', tasks: [{ id: 'x' }] }], resumeId: null });
    other.postMessage({ v: 1, type: 'heartbeat', at: 2 });
    await tick();
    expect(b.received).toEqual([{ type: 'heartbeat', at: 2 }]);
  });
});
