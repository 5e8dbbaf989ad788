import type { ChildProcess } from 'node:child_process';

/** Every process this bench spawned, so that a crash or Ctrl-C ends them (by PID) too. */
const children = new Set<ChildProcess>();
let installed = false;

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (!installed) {
    installed = true;
    process.once('exit', killTracked);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        killTracked();
        process.exit(130);
      });
    }
  }
  return child;
}

function killTracked(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}
