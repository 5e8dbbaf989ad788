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

const unauthorized = () => new AppError('unauthorized', 'sign in required', 401);

function bearerToken(req: Request): string | null {
  const header = req.headers.authorization;
  if (!header?.startsWith('Bearer ')) return null;
  return header.slice(7).trim() || null;
}

/** The session JWT a request carries: `Authorization: Bearer` first, then the session cookie. */
export function sessionTokenOf(req: Request): string | null {
  return bearerToken(req) ?? (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE] ?? null;
}

/** Cookie or `Authorization: Bearer <jwt>`. A JWT in the URL is never accepted. */
export function requireUser(tokens: SessionTokens): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    if (typeof req.query.token === 'string')
      throw new AppError('token-in-url', 'tokens are not accepted in URLs', 401);
    const bearer = bearerToken(req);
    const token = sessionTokenOf(req);
    if (!token) throw unauthorized();
    const identity = await tokens.verify(token);
    if (!identity) throw unauthorized();
    req.identity = identity;
    req.authVia = bearer ? 'bearer' : 'cookie';
    next();
  };
}

/** For streams: a single-use `?ticket=` is accepted as well as the cookie and bearer token. */
export function requireStreamUser(tokens: SessionTokens, tickets: SseTickets): RequestHandler {
  const viaToken = requireUser(tokens);
  return async (req, res, next) => {
    const ticket = req.query.ticket;
    if (typeof ticket === 'string') {
      const identity = await tickets.redeem(ticket);
      if (!identity) throw new AppError('invalid-ticket', 'ticket is invalid, expired or already used', 401);
      req.identity = identity;
      req.authVia = 'ticket';
      next();
      return;
    }
    await viaToken(req, res, next);
  };
}

export function identityOf(req: Request): Identity {
  if (!req.identity) throw unauthorized();
  return req.identity;
}
