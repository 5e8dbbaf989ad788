import { timingSafeEqual } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import {
  type AuthOptionsResponse,
  loginBodySchema,
  parseSignupBody,
  type SignupResponse,
  usernameTaken,
} from '../../protocol';
import { identityOf, requireUser, sessionTokenOf } from '../auth/authenticate';
import { SESSION_COOKIE, SESSION_TTL_S } from '../auth/session-tokens';
import { TICKET_TTL_S } from '../auth/sse-tickets';
import { UserStore } from '../auth/user-store';
import { AppError, validationError } from '../errors';
import type { AppServices } from '../services';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function authRoutes(s: AppServices): Router {
  const router = Router();
  const users = new UserStore(s.redis.commands);
  const limiter = (what: string) =>
    rateLimit({
      windowMs: 60_000,
      limit: s.config.LOGIN_RATE_LIMIT,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      // Without TRUST_PROXY a forwarded address is ignored on purpose, not a misconfiguration to report.
      validate: { xForwardedForHeader: false },
      handler: (_req, _res, next) =>
        next(
          new AppError('rate-limited', `too many ${what} attempts; wait a minute and try again`, 429, {
            'Retry-After': '60',
          }),
        ),
    });
  const loginLimiter = limiter('sign-in');
  const signupLimiter = limiter('sign-up');

  const startSession = async (req: Request, res: Response, username: string) => {
    const token = await s.tokens.sign(username);
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      maxAge: SESSION_TTL_S * 1000,
      path: '/',
    });
  };

  router.post('/api/auth/login', loginLimiter, async (req, res) => {
    const parsed = loginBodySchema.safeParse(req.body ?? {});
    if (!parsed.success) throw validationError(parsed.error);
    const { username, password } = parsed.data;
    const user = s.config.DEV_USERS.find((u) => u.name === username);
    // Compare even for unknown users so that timing does not tell which names exist.
    const ok = user
      ? sameSecret(password, user.password)
      : s.config.ALLOW_SIGNUP && (await users.verify(username, password));
    if (!ok) throw new AppError('invalid-credentials', 'wrong username or password', 401);
    await startSession(req, res, username);
    res.json({ user: { id: username, name: username } });
  });

  // Seed 000's "during signup": the account, a session, and the first lead search already running.
  router.post('/api/auth/signup', signupLimiter, async (req, res) => {
    if (!s.config.ALLOW_SIGNUP)
      throw new AppError('signup-disabled', 'sign-up is turned off on this server', 403);
    const { username, password } = parseSignupBody(req.body);
    if (s.config.DEV_USERS.some((u) => u.name === username)) throw usernameTaken();
    if (!(await users.create(username, password))) throw usernameTaken();
    await startSession(req, res, username);
    const task = await s.tracker.create({ ownerId: username, type: 'reddit_leads', trigger: 'signup' });
    s.runner.run(task);
    const body: SignupResponse = { user: { id: username, name: username }, task };
    res.status(201).json(body);
  });

  router.post('/api/auth/logout', async (req, res) => {
    const token = sessionTokenOf(req);
    if (token) await s.tokens.revoke(token);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  // No auth: the sign-in page asks before anyone is signed in. Only users whose password is the
  // public "demo" are named, so a configured password is never revealed.
  router.get('/api/auth/options', (_req, res) => {
    const body: AuthOptionsResponse = {
      demoUsers: s.config.DEV_USERS.filter((u) => u.password === 'demo').map((u) => u.name),
      signup: s.config.ALLOW_SIGNUP,
    };
    res.json(body);
  });

  const auth = requireUser(s.tokens);
  router.get('/api/auth/me', auth, (req, res) => {
    const { userId } = identityOf(req);
    res.json({ user: { id: userId, name: userId } });
  });

  router.post('/api/auth/sse-ticket', auth, async (req, res) => {
    const ticket = await s.tickets.issue(identityOf(req));
    res.json({ ticket, expiresInS: TICKET_TTL_S });
  });

  return router;
}
