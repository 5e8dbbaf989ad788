import { waitFor } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { setSignedIn, setSignedOut } from '../stores/session-store';
import { stopStreamRuntime } from '../stream/stream-runtime';
import { FakeEventSource } from '../test/fake-event-source';
import { server } from '../test/msw-server';
import { createTestQueryClient } from '../test/render';
import { bootApp } from './boot';
import { startFirstLoad } from './first-load';

/** Resolves when `event` is in `log`, or after `ms` (so that a sequential client fails instead of hanging). */
function seen(log: string[], event: string, ms = 1000): Promise<void> {
  return new Promise((resolve) => {
    const started = Date.now();
    const check = () => (log.includes(event) || Date.now() - started > ms ? resolve() : setTimeout(check, 5));
    check();
  });
}

afterEach(() => {
  stopStreamRuntime();
  window.localStorage.clear();
});

describe('bootApp', () => {
  it('asks for the session and the task list together when this browser was signed in', async () => {
    window.localStorage.setItem('taskstream:signed-in', '1');
    FakeEventSource.reset();
    const log: string[] = [];
    server.use(
      http.get('/api/auth/me', async () => {
        log.push('me asked');
        await seen(log, 'tasks asked');
        log.push('me answered');
        return HttpResponse.json({ user: { id: 'alice', name: 'alice' } });
      }),
      http.get('/api/tasks', async () => {
        log.push('tasks asked');
        await seen(log, 'me asked');
        log.push('tasks answered');
        return HttpResponse.json({ tasks: [], cursor: '42.7' });
      }),
    );
    bootApp({
      queryClient: createTestQueryClient(),
      runtime: {
        locks: null,
        createChannel: null,
        client: { createEventSource: (url) => new FakeEventSource(url) },
      },
    });
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    const firstAnswer = log.findIndex((e) => e.endsWith('answered'));
    expect(log.slice(0, firstAnswer).sort()).toEqual(['me asked', 'tasks asked']);
    // The prefetched list is the one the stream opens at: it was not asked for a second time.
    expect(log.filter((e) => e === 'tasks asked')).toHaveLength(1);
    expect(FakeEventSource.latest().url).toBe('/api/events?lastEventId=42.7');
  });
});

describe('startFirstLoad', () => {
  it('asks for nothing before the session is known when this browser was not signed in', () => {
    const asked: string[] = [];
    const firstLoad = startFirstLoad({
      fetch: async (input) => {
        asked.push(String(input));
        return HttpResponse.json({});
      },
    });
    expect(asked).toEqual([]);
    expect(firstLoad.takePrefetchedTaskList()).toBeNull();
    firstLoad.dispose();
  });

  it('remembers a sign-in for the next first load and forgets it on sign-out', () => {
    const firstLoad = startFirstLoad();
    setSignedIn({ id: 'alice', name: 'alice' });
    expect(window.localStorage.getItem('taskstream:signed-in')).toBe('1');
    setSignedOut('signed-out');
    expect(window.localStorage.getItem('taskstream:signed-in')).toBeNull();
    firstLoad.dispose();
  });

  it('hands the prefetched list over once, and never after the session was seen signed out', () => {
    window.localStorage.setItem('taskstream:signed-in', '1');
    const fetchList = async () => HttpResponse.json({ tasks: [], cursor: '1.1' });
    const once = startFirstLoad({ fetch: fetchList });
    expect(once.takePrefetchedTaskList()).not.toBeNull();
    expect(once.takePrefetchedTaskList()).toBeNull();
    once.dispose();

    window.localStorage.setItem('taskstream:signed-in', '1');
    const expired = startFirstLoad({ fetch: fetchList });
    setSignedOut('signed-out');
    expect(expired.takePrefetchedTaskList()).toBeNull();
    expired.dispose();
  });
});
