import { ReplyError } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { serializeError } from './logger';
import { isRedisUnavailable } from './redis-errors';

function reply(message: string): Error {
  return new ReplyError(message) as Error;
}

describe('isRedisUnavailable', () => {
  it.each([
    "READONLY You can't write against a read only replica.",
    'MISCONF Redis is configured to save RDB snapshots, but it is currently not able to persist on disk.',
    "OOM command not allowed when used memory > 'maxmemory'.",
    'NOREPLICAS Not enough good replicas to write.',
    'LOADING Redis is loading the dataset in memory',
    "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
    "ERR Error running script (call to f_0123): @user_script:12: -READONLY You can't write against a read only replica.",
  ])('is true for the refusal %s', (message) => {
    expect(isRedisUnavailable(reply(message))).toBe(true);
  });

  it('is true when ioredis gives up or times out', () => {
    const retries = new Error('Reached the max retries per request limit (which is 2).');
    retries.name = 'MaxRetriesPerRequestError';
    expect(isRedisUnavailable(retries)).toBe(true);
    expect(isRedisUnavailable(new Error('Command timed out'))).toBe(true);
    expect(isRedisUnavailable(new Error('Connection is closed.'))).toBe(true);
    expect(
      isRedisUnavailable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).toBe(true);
  });

  it('is false for a bug (a wrong command, a script error) and for other errors', () => {
    expect(isRedisUnavailable(reply("ERR unknown command 'nope'"))).toBe(false);
    expect(
      isRedisUnavailable(reply('WRONGTYPE Operation against a key holding the wrong kind of value')),
    ).toBe(false);
    expect(isRedisUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isRedisUnavailable('READONLY ')).toBe(false);
  });
});

describe('serializeError', () => {
  it('keeps name and message and drops the command and its arguments', () => {
    const err = Object.assign(reply('NOREPLICAS Not enough good replicas to write.'), {
      command: { name: 'getdel', args: ['ts:ticket:secret-ticket-value'] },
      args: ['ts:ticket:secret-ticket-value'],
    });
    const logged = JSON.stringify(serializeError(err));
    expect(logged).toContain('NOREPLICAS');
    expect(logged).toContain('ReplyError');
    expect(logged).not.toContain('secret-ticket-value');
  });
});
