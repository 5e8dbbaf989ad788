import { ContractError, type User } from '../protocol';
import type { Clock, Scheduler } from './scheduler';

/** The seeded dev users of the contract (`alice` and `bob`, password `demo`). */
export const devUsers: Readonly<Record<string, string>> = { alice: 'demo', bob: 'demo' };

export const sessionTtlDefaultMs = 60 * 60 * 1000;
const ticketTtlMs = 60_000;

/** A request's view the backend needs: the URL and the headers. */
export interface RequestLike {
  readonly url: string;
  readonly headers: { get(name: string): string | null };
}

interface Session {
  userId: string;
  expiresAt: number;
}

const unauthorized = () => new ContractError('unauthorized', 'sign in required', 401);

/** A URL-safe random id of `bytes` random bytes, as the server makes them. */
export function randomId(bytes: number): string {
  const raw = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(raw);
  let text = '';
  for (const b of raw) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The one browser session the mocks hold (an httpOnly cookie cannot be mocked from a service
 * worker) and the single-use SSE tickets, on the backend's clock.
 */
export class MockSessions {
  private session: Session | null = null;
  private readonly tickets = new Map<string, { userId: string; expiresAt: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
    /** A scenario duration in real ms (see MockBackend.ms). */
    private readonly ms: (scenarioMs: number) => number,
    /** Called when a session runs out by itself (not on logout): its streams get `auth-expired`. */
    private readonly onExpired: (userId: string) => void,
  ) {}

  clear(): void {
    this.session = null;
    this.tickets.clear();
  }

  /** The signed-in user, or a 401. */
  authenticate(request: RequestLike): string {
    if (new URL(request.url).searchParams.has('token')) {
      throw new ContractError('token-in-url', 'tokens are not accepted in URLs', 401);
    }
    const session = this.session;
    if (!session || session.expiresAt <= this.clock.now()) throw unauthorized();
    return session.userId;
  }

  /** Like `authenticate`, plus a single-use `?ticket=` (consumed only when `consume`). */
  authenticateStream(request: RequestLike, consume: boolean): string {
    const ticket = new URL(request.url).searchParams.get('ticket');
    if (ticket === null) return this.authenticate(request);
    const found = this.tickets.get(ticket);
    if (!found || found.expiresAt <= this.clock.now()) {
      throw new ContractError('invalid-ticket', 'ticket is invalid, expired or already used', 401);
    }
    if (consume) this.tickets.delete(ticket);
    return found.userId;
  }

  login(username: string, password: string): User {
    if (devUsers[username] === undefined || devUsers[username] !== password) {
      throw new ContractError('invalid-credentials', 'wrong username or password', 401);
    }
    this.signIn(username, sessionTtlDefaultMs);
    return { id: username, name: username };
  }

  logout(): void {
    this.session = null;
  }

  issueTicket(userId: string): { ticket: string; expiresInS: number } {
    const ticket = randomId(24);
    this.tickets.set(ticket, { userId, expiresAt: this.clock.now() + ticketTtlMs });
    return { ticket, expiresInS: ticketTtlMs / 1000 };
  }

  /** Starts a session of `ttlMs` scenario milliseconds. */
  signIn(userId: string, ttlMs: number): void {
    const session: Session = { userId, expiresAt: this.clock.now() + this.ms(ttlMs) };
    this.session = session;
    this.scheduler.after(this.ms(ttlMs), () => {
      if (this.session !== session) return;
      this.session = null;
      this.onExpired(userId);
    });
  }
}
