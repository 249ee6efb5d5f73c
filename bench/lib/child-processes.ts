/**
 * Every system under test runs as its own child process. This module starts them, waits until each
 * answers a real request, reads their memory from /proc, and makes sure every one is gone when the
 * benchmark ends — normally, on error, or on Ctrl-C.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const STDERR_TAIL_CHARS = 4000;
const READY_POLL_INTERVAL_MS = 100;
const STOP_GRACE_MS = 3000;

export interface ManagedChild {
  readonly name: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** The last few KB the child wrote to stdout and stderr, for error messages. */
  outputTail(): string;
}

const running = new Set<ManagedChild>();

export interface StartOptions {
  readonly name: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** A command Node runs under (valgrind and its flags); the child's pid is then that command's. */
  readonly wrapper?: readonly string[];
}

/** Starts `node <args>` with the same Node binary that runs the benchmark. */
export function startNodeChild(options: StartOptions): ManagedChild {
  const [command, ...commandArgs] = [...(options.wrapper ?? []), process.execPath, ...options.args];
  const child = spawn(command ?? process.execPath, commandArgs, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${options.name}: failed to spawn`);
  let tail = '';
  const keepTail = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
  };
  // Output must be drained or a chatty child blocks on a full pipe; only the tail is kept.
  child.stdout.on('data', keepTail);
  child.stderr.on('data', keepTail);
  const managed: ManagedChild = {
    name: options.name,
    pid: child.pid,
    process: child,
    outputTail: () => tail,
  };
  running.add(managed);
  child.once('exit', () => running.delete(managed));
  return managed;
}

/**
 * Polls `probe` until it resolves true, the child exits, or the deadline passes. The probe should send
 * a real request through the system so "ready" means "serves", not merely "listens".
 */
export async function waitUntilReady(
  child: ManagedChild,
  probe: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no attempt yet';
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) {
      throw new Error(`${child.name} exited before it was ready:\n${child.outputTail()}`);
    }
    try {
      if (await probe()) return;
      lastError = 'probe answered but the answer was not a valid completion';
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await sleep(READY_POLL_INTERVAL_MS);
  }
  throw new Error(`${child.name} not ready after ${timeoutMs} ms (${lastError}):\n${child.outputTail()}`);
}

/** A port that was free a moment ago; the child binds it right after. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

export interface ProcessMemory {
  /** Resident set size now. */
  readonly rssMb: number;
  /** Peak resident set size since the process started (VmHWM). */
  readonly peakRssMb: number;
}

export async function readProcessMemory(pid: number): Promise<ProcessMemory | undefined> {
  let status: string;
  try {
    status = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kilobytes = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match?.[1] === undefined ? Number.NaN : Number(match[1]);
  };
  return { rssMb: kilobytes('VmRSS') / 1024, peakRssMb: kilobytes('VmHWM') / 1024 };
}

/** SIGTERM, then SIGKILL for any child still alive after a grace period. */
export async function stopAllChildren(): Promise<void> {
  const children = [...running];
  const exits = children.map(
    (child) =>
      new Promise<void>((resolve) => {
        if (child.process.exitCode !== null || child.process.signalCode !== null) resolve();
        else child.process.once('exit', () => resolve());
      }),
  );
  for (const child of children) child.process.kill('SIGTERM');
  const allExited = Promise.all(exits).then(() => true);
  const graceOver = sleep(STOP_GRACE_MS).then(() => false);
  if (!(await Promise.race([allExited, graceOver]))) {
    for (const child of running) child.process.kill('SIGKILL');
  }
}

/** Last resort when the driver is exiting synchronously: no child may outlive it. */
function killAllChildrenNow(): void {
  for (const child of running) child.process.kill('SIGKILL');
}

/** Installs handlers so Ctrl-C, SIGTERM and crashes still take the children down. */
export function stopChildrenOnExit(): void {
  process.once('exit', killAllChildrenNow);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping children\n`);
      void stopAllChildren().finally(() => process.exit(130));
    });
  }
}
