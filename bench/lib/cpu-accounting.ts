/**
 * CPU time from /proc, per process and machine-wide. Two uses: the CPU a gateway spends per request
 * (a cost that machine noise barely moves, unlike latency), and how much CPU *other* processes took
 * during a cell — on a shared 2-core box, that is what makes a run trustworthy or not.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = readTicksPerSecond();

function readTicksPerSecond(): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return value > 0 ? value : 100;
  } catch {
    // The kernel's USER_HZ is 100 on every mainstream Linux build.
    return 100;
  }
}

/** Busy CPU time of the whole machine, all cores summed, in ms (0 where /proc is unavailable). */
function readMachineBusyMs(): number {
  try {
    const cpuLine = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    // cpu user nice system idle iowait irq softirq steal …: busy is everything but idle and iowait.
    const [user, nice, system, , , irq, softirq, steal] = cpuLine.trim().split(/\s+/).slice(1).map(Number);
    const busyTicks = [user, nice, system, irq, softirq, steal].reduce<number>(
      (sum, value) => sum + (value ?? 0),
      0,
    );
    return (busyTicks * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** User + system CPU time of one process, in ms (0 once it has exited). */
export function readProcessCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at field 3; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

export interface CpuSnapshot {
  readonly atMs: number;
  readonly machineBusyMs: number;
  readonly processCpuMs: ReadonlyMap<number, number>;
}

export function takeCpuSnapshot(pids: readonly number[]): CpuSnapshot {
  return {
    atMs: performance.now(),
    machineBusyMs: readMachineBusyMs(),
    processCpuMs: new Map(pids.map((pid) => [pid, readProcessCpuMs(pid)])),
  };
}

export interface CpuUsage {
  /** CPU ms each watched process used between the snapshots. */
  readonly processCpuMs: ReadonlyMap<number, number>;
  /** Average number of cores kept busy by everything *not* watched (other users, the kernel's own work). */
  readonly otherCores: number;
}

export function cpuUsageBetween(before: CpuSnapshot, after: CpuSnapshot): CpuUsage {
  const processCpuMs = new Map<number, number>();
  let watchedMs = 0;
  for (const [pid, startMs] of before.processCpuMs) {
    const usedMs = Math.max(0, (after.processCpuMs.get(pid) ?? startMs) - startMs);
    processCpuMs.set(pid, usedMs);
    watchedMs += usedMs;
  }
  const wallMs = after.atMs - before.atMs;
  const otherMs = after.machineBusyMs - before.machineBusyMs - watchedMs;
  return { processCpuMs, otherCores: wallMs > 0 ? Math.max(0, otherMs) / wallMs : 0 };
}
