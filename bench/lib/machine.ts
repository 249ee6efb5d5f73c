/** Facts about the machine and software versions, printed with every result so numbers can be compared. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './systems.ts';

export interface MachineFacts {
  readonly date: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly kernel: string;
  readonly node: string;
  readonly gitCommit: string;
  readonly portkeyVersion: string;
  readonly autocannonVersion: string;
  /** 1-, 5- and 15-minute load averages when the run started: a busy machine makes noisy numbers. */
  readonly loadAverageAtStart: readonly number[];
}

export function collectMachineFacts(): MachineFacts {
  return {
    date: new Date().toISOString(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGb: Math.round(totalmem() / 2 ** 30),
    kernel: `${process.platform} ${release()}`,
    node: process.version,
    gitCommit: readGitCommit(),
    portkeyVersion: readPackageVersion('@portkey-ai/gateway'),
    autocannonVersion: readPackageVersion('autocannon'),
    loadAverageAtStart: loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

function readPackageVersion(name: string): string {
  try {
    const manifest = JSON.parse(
      readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8'),
    ) as {
      version?: string;
    };
    return manifest.version ?? 'unknown';
  } catch {
    return 'not installed';
  }
}

/** HEAD, marked `+dirty` when the work tree has changes (the usual case while developing). */
function readGitCommit(): string {
  try {
    const run = (args: string[]): string =>
      execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const commit = run(['rev-parse', '--short', 'HEAD']);
    return run(['status', '--porcelain', '--untracked-files=no']) === '' ? commit : `${commit}+dirty`;
  } catch {
    return 'unknown';
  }
}
