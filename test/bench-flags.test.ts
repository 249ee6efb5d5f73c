// The overhead benchmark's flag parser: the A/B options added for Node flags and the environment.
import { describe, expect, it } from 'vitest';
import { parseBenchFlags } from '../bench/lib/flags.ts';
import { SWITCHYARD_PRODUCTION_NODE_FLAGS } from '../bench/lib/systems.ts';

function settings(argv: readonly string[]) {
  const parsed = parseBenchFlags(argv);
  if (parsed === 'help') throw new Error('unexpected --help');
  return parsed;
}

describe('bench:overhead flags', () => {
  it('gives the baseline Switchyard’s production flags and environment unless told otherwise', () => {
    const parsed = settings(['--baseline', 'HEAD']);
    expect(parsed.switchyardNodeFlags).toEqual(SWITCHYARD_PRODUCTION_NODE_FLAGS);
    expect(parsed.baselineNodeFlags).toEqual(SWITCHYARD_PRODUCTION_NODE_FLAGS);
    expect(parsed.baselineEnvironment).toBeUndefined();
  });

  it('follows --switchyard-node-flags for the baseline when only those are given', () => {
    const parsed = settings([
      '--baseline',
      'HEAD',
      '--switchyard-node-flags=--no-opt --max-old-space-size=96',
    ]);
    expect(parsed.baselineNodeFlags).toEqual(['--no-opt', '--max-old-space-size=96']);
  });

  it('takes the baseline’s own Node flags', () => {
    const parsed = settings([
      '--baseline',
      'HEAD',
      '--baseline-node-flags=--max-semi-space-size=4  --no-maglev',
    ]);
    expect(parsed.switchyardNodeFlags).toEqual(SWITCHYARD_PRODUCTION_NODE_FLAGS);
    expect(parsed.baselineNodeFlags).toEqual(['--max-semi-space-size=4', '--no-maglev']);
  });

  it('parses --baseline-env as NAME=VALUE words, and an empty value as no environment', () => {
    expect(
      settings(['--baseline', 'HEAD', '--baseline-env=MALLOC_ARENA_MAX=1 A_B=x=y']).baselineEnvironment,
    ).toEqual({
      MALLOC_ARENA_MAX: '1',
      A_B: 'x=y',
    });
    expect(settings(['--baseline', 'HEAD', '--baseline-env=']).baselineEnvironment).toEqual({});
  });

  it('names the flag and the word that is not NAME=VALUE', () => {
    expect(() => settings(['--baseline-env=MALLOC_ARENA_MAX'])).toThrow(
      "--baseline-env: 'MALLOC_ARENA_MAX' is not NAME=VALUE",
    );
    expect(() => settings(['--baseline-env=1X=2'])).toThrow("'1X=2' is not NAME=VALUE");
  });

  it('appends --switchyard-config to every build and --baseline-config to the baseline instead', () => {
    const same = settings(['--baseline', 'HEAD', '--switchyard-config=request_log: { flush_ms: 25 }']);
    expect(same.switchyardConfig).toBe('request_log: { flush_ms: 25 }\n');
    expect(same.baselineConfig).toBe('request_log: { flush_ms: 25 }\n');
    const apart = settings(['--baseline', 'HEAD', '--baseline-config=request_log: { flush_ms: 250 }']);
    expect(apart.switchyardConfig).toBe('');
    expect(apart.baselineConfig).toBe('request_log: { flush_ms: 250 }\n');
  });
});
