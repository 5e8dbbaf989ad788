import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import type { RedisClient } from '../redis';

/** scrypt cost: N=2^15 takes ~50 ms and 32 MiB per hash, so a stolen table is slow to guess through. */
const scryptParams: ScryptOptions = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const keyLength = 32;

/** One signed-up account, under the user's hash tag like every per-user key. */
const accountKey = (username: string) => `ts:{u:${username}}:account`;

interface StoredAccount {
  salt: string;
  hash: string;
  createdAt: string;
}

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keyLength, scryptParams, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** Accounts made by `POST /api/auth/signup`: scrypt-hashed passwords in Redis, never the password itself. */
export class UserStore {
  /** Hashed against for unknown names, so that a sign-in takes as long whether or not the name exists. */
  private readonly decoySalt = randomBytes(16);

  constructor(private readonly redis: RedisClient) {}

  /** Creates the account; false when the name is taken (SET NX: two sign-ups racing for a name, one wins). */
  async create(username: string, password: string): Promise<boolean> {
    const salt = randomBytes(16);
    const hash = await derive(password, salt);
    const account: StoredAccount = {
      salt: salt.toString('base64'),
      hash: hash.toString('base64'),
      createdAt: new Date().toISOString(),
    };
    const set = await this.redis.set(accountKey(username), JSON.stringify(account), 'NX');
    return set === 'OK';
  }

  async exists(username: string): Promise<boolean> {
    return (await this.redis.exists(accountKey(username))) === 1;
  }

  /** True when `password` is the account's password; false for a wrong one or an unknown name. */
  async verify(username: string, password: string): Promise<boolean> {
    const raw = await this.redis.get(accountKey(username));
    const account = raw ? (JSON.parse(raw) as StoredAccount) : null;
    const salt = account ? Buffer.from(account.salt, 'base64') : this.decoySalt;
    const derived = await derive(password, salt);
    if (!account) return false;
    const stored = Buffer.from(account.hash, 'base64');
    return stored.length === derived.length && timingSafeEqual(stored, derived);
  }
}
