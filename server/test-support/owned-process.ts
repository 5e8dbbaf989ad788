import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/**
 * A child process this test process started: its exit, what it wrote to stderr, and a signal sent
 * to it (by PID) if the test process ends first — a crashed test run must not leave it behind.
 */
export class OwnedProcess {
  readonly exited: Promise<unknown>;
  stderr = '';

  /** `signalOnOurExit`: SIGKILL for a single process; SIGTERM for a master that must stop its workers. */
  constructor(
    readonly child: ChildProcess,
    signalOnOurExit: NodeJS.Signals,
  ) {
    this.exited = once(child, 'exit');
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    const signalOnExit = () => child.kill(signalOnOurExit);
    process.once('exit', signalOnExit);
    child.once('exit', () => process.removeListener('exit', signalOnExit));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Signals the process and waits for its exit; a no-op once it has exited. */
  async stop(signal: NodeJS.Signals): Promise<void> {
    if (!this.running) return;
    this.child.kill(signal);
    await this.exited;
  }
}
