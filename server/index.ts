import { type Config, ConfigError, loadConfig, productionWarnings } from './config';
import { loadEnvFileIfPresent } from './env-file';
import { startServer } from './start-server';

/** `true` in dist-server/index.js (defined by scripts/build-server.ts): the server as deployed. */
declare const TASKSTREAM_BUNDLE: boolean | undefined;
const runsAsBuilt = typeof TASKSTREAM_BUNDLE !== 'undefined' && TASKSTREAM_BUNDLE;

/** `npm start` / `npm run server`: read `.env` and the environment, listen, stop cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  loadEnvFileIfPresent();
  // Express and its error pages keep stack traces out of responses only in production.
  if (runsAsBuilt) process.env.NODE_ENV ??= 'production';
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  if (process.env.NODE_ENV === 'production') {
    // Straight to stderr rather than the logger: LOG_LEVEL=error or silent must not hide these.
    for (const warning of productionWarnings(config)) process.stderr.write(`WARNING: ${warning}\n`);
  }
  const running = await startServer(config);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    running.services.log.info({ signal }, 'shutting down');
    // Whatever happens, the process is gone within 10 s.
    setTimeout(() => process.exit(1), 10_000).unref();
    void running.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
