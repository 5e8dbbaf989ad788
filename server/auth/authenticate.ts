import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError } from '../errors';
import { type Identity, SESSION_COOKIE, type SessionTokens } from './session-tokens';
import type { SseTickets } from './sse-tickets';

declare module 'express-serve-static-core' {
  interface Request {
    identity?: Identity;
    /** How the request authenticated: cookie requests get the CSRF origin check. */
    authVia?: 'cookie' | 'bearer' | 'ticket';
  }
}

type AuthVia = NonNullable<Request['authVia']>;

/**
 * What a request presents to sign in, read by its adapter (Express, or the plain node:http stream
 * front): the rule of which one wins lives once, in `authenticateSession` / `authenticateStream`.
 */
export interface Credentials {
  /** `?token=` was given: refused, a JWT never travels in a URL. */
  tokenInUrl: boolean;
  /** The `Authorization` header as sent. */
  authorization: string | undefined;
  /** The session cookie's value. */
  cookieToken: string | undefined;
  /** `?ticket=` (streams only). */
  ticket?: string;
}

const unauthorized = () => new AppError('unauthorized', 'sign in required', 401);

function bearerOf(authorization: string | undefined): string | null {
  if (!authorization?.startsWith('Bearer ')) return null;
  return authorization.slice(7).trim() || null;
}

/** The session JWT a request carries: `Authorization: Bearer` first, then the session cookie. */
export function sessionTokenOf(req: Request): string | null {
  return (
    bearerOf(req.headers.authorization) ??
    (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE] ??
    null
  );
}

export function credentialsOf(req: Request): Credentials {
  const ticket = req.query.ticket;
  return {
    tokenInUrl: typeof req.query.token === 'string',
    authorization: req.headers.authorization,
    cookieToken: (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE],
    ...(typeof ticket === 'string' ? { ticket } : {}),
  };
}

/** The session token a request presents. A JWT in the URL is never accepted. */
function sessionTokenIn(c: Credentials): { token: string; via: AuthVia } {
  if (c.tokenInUrl) throw new AppError('token-in-url', 'tokens are not accepted in URLs', 401);
  const bearer = bearerOf(c.authorization);
  const token = bearer ?? c.cookieToken;
  if (!token) throw unauthorized();
  return { token, via: bearer ? 'bearer' : 'cookie' };
}

/** Cookie or `Authorization: Bearer <jwt>`, valid and not signed out. */
async function authenticateSession(
  c: Credentials,
  tokens: SessionTokens,
): Promise<{ identity: Identity; via: AuthVia }> {
  const { token, via } = sessionTokenIn(c);
  const identity = await tokens.verify(token);
  if (!identity) throw unauthorized();
  return { identity, via };
}

/** Who opens a stream, and the revocation mark its opening read must find absent (null: none to check). */
export interface StreamAuthentication {
  identity: Identity;
  via: AuthVia;
  revocationKey: string | null;
}

/**
 * For streams: a single-use `?ticket=` is accepted as well as the cookie and bearer token. A token's
 * revocation is not looked up here: the stream checks `revocationKey` in the read that opens it,
 * before it answers, so a connect costs one round trip to Redis rather than two.
 */
export async function authenticateStream(
  c: Credentials,
  tokens: SessionTokens,
  tickets: SseTickets,
): Promise<StreamAuthentication> {
  if (c.ticket !== undefined) {
    const identity = await tickets.redeem(c.ticket);
    if (!identity) throw new AppError('invalid-ticket', 'ticket is invalid, expired or already used', 401);
    return { identity, via: 'ticket', revocationKey: null };
  }
  const { token, via } = sessionTokenIn(c);
  const verified = tokens.verifyForStream(token);
  if (!verified) throw unauthorized();
  return { identity: verified.identity, via, revocationKey: verified.revocationKey };
}

/** A signed-out session, found by the read that opens a stream: answered as any invalid token is. */
export const revokedSession = unauthorized;

export function requireUser(tokens: SessionTokens): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const { identity, via } = await authenticateSession(credentialsOf(req), tokens);
    req.identity = identity;
    req.authVia = via;
    next();
  };
}

export function identityOf(req: Request): Identity {
  if (!req.identity) throw unauthorized();
  return req.identity;
}
