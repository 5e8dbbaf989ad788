import path from 'node:path';

/**
 * Loads `.env` from the working directory when there is one (as `.env.example` suggests).
 * Variables already in the environment win, so a deployment's own settings are never overridden.
 * Returns the file it loaded.
 */
export function loadEnvFileIfPresent(file = path.resolve('.env')): string | undefined {
  try {
    process.loadEnvFile(file);
    return file;
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return undefined;
    throw err;
  }
}
