import { randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { userIdSchema } from '../../protocol';

export const SESSION_TTL_S = 60 * 60;
export const SESSION_COOKIE = 'ts_session';

export interface Identity {
  userId: string;
  /** Token expiry, ms since epoch: streams send `auth-expired` at this moment. */
  expiresAt: number;
}

/** HS256 session JWTs. The host application may mint its own with the same secret; `sub` is the user. */
export class SessionTokens {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  static randomSecret(): string {
    return randomBytes(32).toString('base64url');
  }

  async sign(userId: string, ttlS = SESSION_TTL_S): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlS)
      .sign(this.key);
  }

  /** The identity in a valid, unexpired token; null for anything else (never throws). */
  async verify(token: string): Promise<Identity | null> {
    if (token.length > 4096) return null;
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] });
      const sub = userIdSchema.safeParse(payload.sub);
      if (!sub.success || typeof payload.exp !== 'number') return null;
      return { userId: sub.data, expiresAt: payload.exp * 1000 };
    } catch (err) {
      if (err instanceof errors.JOSEError) return null;
      throw err;
    }
  }
}
