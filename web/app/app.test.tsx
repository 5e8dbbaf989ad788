import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { StrictMode } from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import { refreshSession } from '../features/auth/api/get-me';
import { FakeEventSource } from '../test/fake-event-source';
import { server } from '../test/msw-server';
import { createTestQueryClient } from '../test/render';
import { App } from './app';
import { bootApp } from './boot';

const unauthorized = () =>
  HttpResponse.json({ error: { code: 'unauthorized', message: 'sign in required' } }, { status: 401 });

function boot() {
  return bootApp({
    queryClient: createTestQueryClient(),
    runtime: {
      locks: null,
      createChannel: null,
      client: { createEventSource: (url) => new FakeEventSource(url) },
    },
  });
}

describe('App', () => {
  beforeEach(() => {
    FakeEventSource.reset();
  });

  it('opens exactly one stream under StrictMode', async () => {
    window.history.pushState({}, '', '/communities');
    const { queryClient } = boot();
    render(
      <StrictMode>
        <App queryClient={queryClient} />
      </StrictMode>,
    );
    expect(await screen.findByRole('heading', { name: 'Communities', level: 1 })).toBeInTheDocument();
    expect(await screen.findByRole('table')).toBeInTheDocument();
    await screen.findByRole('button', { name: /^Connecting/ });
    expect(FakeEventSource.instances).toHaveLength(1);
    expect(FakeEventSource.latest().url).toBe('/api/events?lastEventId=100.0');
    // The header and the nav are there on every page.
    expect(screen.getAllByRole('navigation', { name: 'Main' })).not.toHaveLength(0);
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeInTheDocument();
  });

  it('sends a signed-out visitor to sign in, then back to the page with a live stream', async () => {
    const user = userEvent.setup();
    let signedIn = false;
    server.use(
      http.get('/api/auth/me', () =>
        signedIn ? HttpResponse.json({ user: { id: 'bob', name: 'bob' } }) : unauthorized(),
      ),
      http.post('/api/auth/login', async ({ request }) => {
        const body = (await request.json()) as { username?: string; password?: string };
        if (body.password !== 'demo') return unauthorized();
        signedIn = true;
        return HttpResponse.json({ user: { id: body.username ?? 'bob', name: body.username ?? 'bob' } });
      }),
    );
    window.history.pushState({}, '', '/runs');
    const { queryClient } = boot();
    // Booted once per page; the earlier test's session was reset, so ask the server again.
    await refreshSession();
    render(<App queryClient={queryClient} />);
    expect(await screen.findByRole('heading', { name: 'Sign in to taskstream' })).toBeInTheDocument();
    expect(window.location.pathname).toBe('/sign-in');
    await user.click(await screen.findByRole('button', { name: 'Sign in as bob' }));
    expect(await screen.findByRole('heading', { name: 'Runs' })).toBeInTheDocument();
    expect(await screen.findByText('No runs yet')).toBeInTheDocument();
    expect(FakeEventSource.open()).toHaveLength(1);
  });
});
