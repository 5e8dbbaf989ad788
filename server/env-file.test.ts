import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from './config';
import { loadEnvFileIfPresent } from './env-file';

const names = ['TASKSTREAM_TEST_FROM_FILE', 'TASKSTREAM_TEST_ALREADY_SET'] as const;

describe('loadEnvFileIfPresent', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'taskstream-env-'));
  });

  afterEach(async () => {
    for (const name of names) delete process.env[name];
    await rm(dir, { recursive: true, force: true });
  });

  it('sets the variables of the file and keeps those already in the environment', async () => {
    const file = path.join(dir, '.env');
    await writeFile(file, 'TASKSTREAM_TEST_FROM_FILE=file\nTASKSTREAM_TEST_ALREADY_SET=file\n');
    process.env.TASKSTREAM_TEST_ALREADY_SET = 'environment';

    expect(loadEnvFileIfPresent(file)).toBe(file);
    expect(process.env.TASKSTREAM_TEST_FROM_FILE).toBe('file');
    expect(process.env.TASKSTREAM_TEST_ALREADY_SET).toBe('environment');
  });

  it('changes nothing when there is no file', () => {
    expect(loadEnvFileIfPresent(path.join(dir, '.env'))).toBeUndefined();
    expect(process.env.TASKSTREAM_TEST_FROM_FILE).toBeUndefined();
  });

  it('throws when the path cannot be read as a file', () => {
    expect(() => loadEnvFileIfPresent(dir)).toThrow();
  });
});

describe('.env.example', () => {
  it('is a valid configuration when copied to .env as it is', async () => {
    const example = fileURLToPath(new URL('../.env.example', import.meta.url));
    const env = parseEnv(await readFile(example, 'utf8'));
    expect(env.PORT).toBe('3000');
    expect(() => loadConfig(env)).not.toThrow();
  });
});
