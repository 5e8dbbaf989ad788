import { randomBytes } from 'node:crypto';
import { createSigner, createVerifier, TokenError } from 'fast-jwt';
import { userIdSchema } from '../../protocol';
import { type RevokedSessions, revocationKey } from './revoked-sessions';

export const SESSION_TTL_S = 60 * 60;
export const SESSION_COOKIE = 'ts_session';

export interface Identity {
  userId: string;
  /** Token expiry, ms since epoch: streams send `auth-expired` at this moment. */
  expiresAt: number;
}

interface SessionClaims {
  sub?: unknown;
  exp?: unknown;
}

/**
 * HS256 session JWTs. The host application may mint its own with the same secret; `sub` is the user.
 * fast-jwt verifies synchronously with node:crypto (a few µs; WebCrypto-based verification cost
 * ~100 µs of CPU per stream connect in the benchmark). No cache of verified tokens: its key is a
 * SHA-256 of the token, which costs about what verifying does, and each entry held ~0.5 KB per
 * signed-in stream for as long as the token lived.
 */
export class SessionTokens {
  private readonly signer: (payload: Record<string, unknown>) => string;
  private readonly verifier: (token: string) => SessionClaims;

  /** `revoked` is consulted on every verification; without it, tokens are valid until they expire. */
  constructor(
    secret: string,
    private readonly revoked?: RevokedSessions,
  ) {
    this.signer = createSigner({ key: secret, algorithm: 'HS256', noTimestamp: false });
    this.verifier = createVerifier({
      key: secret,
      algorithms: ['HS256'],
      requiredClaims: ['sub', 'exp'],
    }) as (token: string) => SessionClaims;
  }

  static randomSecret(): string {
    return randomBytes(32).toString('base64url');
  }

  async sign(userId: string, ttlS = SESSION_TTL_S): Promise<string> {
    // A unique jti: two sign-ins in the same second must not share a token, or signing out of one
    // would sign out the other.
    return this.signer({
      sub: userId,
      exp: Math.floor(Date.now() / 1000) + ttlS,
      jti: randomBytes(12).toString('base64url'),
    });
  }

  /** Signs `token` out until it expires; a token that does not verify needs no revoking. */
  async revoke(token: string): Promise<void> {
    const identity = await this.verify(token);
    if (identity) await this.revoked?.revoke(revocationKey(identity.userId, token), identity.expiresAt);
  }

  /** The identity in a valid, unexpired, not revoked token; null for anything else (throws only when Redis does). */
  async verify(token: string): Promise<Identity | null> {
    const signed = this.verifyForStream(token);
    if (!signed) return null;
    if (signed.revocationKey && (await this.revoked?.isRevoked(signed.revocationKey))) return null;
    return signed.identity;
  }

  /** Whether the session behind `revocationKey` (from `verifyForStream`) was signed out. */
  async isSignedOut(revocationKey: string): Promise<boolean> {
    return (await this.revoked?.isRevoked(revocationKey)) ?? false;
  }

  /**
   * Signature, expiry and subject only, with no Redis round trip: the caller must check
   * `revocationKey` (null when nothing is ever revoked) before it answers — a stream does so in the
   * read that opens it.
   */
  verifyForStream(token: string): { identity: Identity; revocationKey: string | null } | null {
    if (token.length > 4096) return null;
    let claims: SessionClaims;
    try {
      claims = this.verifier(token);
    } catch (err) {
      if (err instanceof TokenError) return null;
      throw err;
    }
    const sub = userIdSchema.safeParse(claims.sub);
    if (!sub.success || typeof claims.exp !== 'number') return null;
    return {
      identity: { userId: sub.data, expiresAt: claims.exp * 1000 },
      revocationKey: this.revoked ? revocationKey(sub.data, token) : null,
    };
  }
}
