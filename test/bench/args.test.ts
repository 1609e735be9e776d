// The command line of `pnpm bench` (bench/args.mjs), checked without running any benchmark:
// the parser as a unit, and `node bench/run.mjs` only for `--help` (exit 0) and for a bad
// argument (exit 2), both of which end before anything is built or measured.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BenchUsageError, FRAMEWORKS, parseBenchArgs, USAGE } from '../../bench/args.mjs';
import { estimateBench } from '../../bench/plan.mjs';

const RUN = fileURLToPath(new URL('../../bench/run.mjs', import.meta.url));

function usageError(argv: string[], env: Record<string, string> = {}): BenchUsageError {
  try {
    parseBenchArgs(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(BenchUsageError);
    return error as BenchUsageError;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe('parseBenchArgs', () => {
  it('defaults to the full run: 3 rounds, 5 s runs, every framework, build, full-size floods', () => {
    expect(parseBenchArgs([])).toEqual({
      help: false,
      quick: false,
      build: true,
      micro: true,
      http: true,
      flood: true,
      rounds: 3,
      seconds: 5,
      warmupSeconds: 2,
      frameworks: [...FRAMEWORKS],
      microIterations: 2000,
      microWarmup: 300,
      floodTokens: 1_000_000,
      validTokens: 1_000_000,
      tenants: 10_000,
    });
  });

  it('--quick is one short round with the floods and tenants shrunk, not skipped', () => {
    const options = parseBenchArgs(['--quick']);
    expect(options).toMatchObject({
      quick: true,
      rounds: 1,
      seconds: 1,
      flood: true,
      floodTokens: 100_000,
      validTokens: 100_000,
      tenants: 1000,
    });
    expect(options.warmupSeconds).toBeLessThanOrEqual(options.seconds);
    expect(options.microIterations).toBeLessThan(parseBenchArgs([]).microIterations);
  });

  it('--rounds does not change the flood and tenant counts', () => {
    expect(parseBenchArgs(['--quick', '--rounds', '5'])).toMatchObject({
      rounds: 5,
      floodTokens: 100_000,
      validTokens: 100_000,
      tenants: 1000,
    });
  });

  it('takes values after a space or an equals sign, and explicit values win over --quick', () => {
    const options = parseBenchArgs([
      '--quick',
      '--rounds',
      '4',
      '--seconds=2.5',
      '--frameworks',
      'Fastify,koa',
      '--no-build',
      '--http-only',
    ]);
    expect(options).toMatchObject({
      rounds: 4,
      seconds: 2.5,
      frameworks: ['fastify', 'koa'],
      build: false,
      micro: false,
      http: true,
    });
  });

  it('keeps BENCH_SECONDS, with --seconds taking precedence', () => {
    expect(parseBenchArgs([], { BENCH_SECONDS: '10' }).seconds).toBe(10);
    expect(parseBenchArgs(['--seconds', '3'], { BENCH_SECONDS: '10' }).seconds).toBe(3);
    expect(parseBenchArgs(['--seconds', '0.5']).warmupSeconds).toBe(0.5);
  });

  it('--micro-only runs neither the HTTP suite nor the flood; -h asks for help', () => {
    expect(parseBenchArgs(['--micro-only'])).toMatchObject({
      micro: true,
      http: false,
      flood: false,
    });
    expect(parseBenchArgs(['-h']).help).toBe(true);
    expect(parseBenchArgs(['--help']).help).toBe(true);
  });

  it.each([
    [['--fast'], /unknown argument: --fast/],
    [['quick'], /unknown argument: quick/],
    [['--no-build=1'], /unknown argument/],
    [['--micro-only', '--http-only'], /exclude each other/],
    [['--rounds'], /--rounds needs a value/],
    [['--rounds', '--quick'], /--rounds needs a value/],
    [['--rounds', '0'], /--rounds must be an integer from 1/],
    [['--rounds', '2.5'], /--rounds must be an integer/],
    [['--rounds', '1e3'], /--rounds must be an integer/],
    [['--rounds', '51'], /--rounds must be an integer from 1 to 50/],
    [['--rounds=3', '--rounds=4'], /--rounds given twice/],
    [['--quick', '--quick'], /--quick given twice/],
    [['--seconds', '0'], /--seconds must be a number of seconds/],
    [['--seconds=-1'], /--seconds must be a number of seconds/],
    [['--seconds', 'abc'], /--seconds must be a number of seconds/],
    [['--seconds', '601'], /--seconds must be a number of seconds/],
    [['--frameworks', 'django'], /unknown framework "django"/],
    [['--frameworks', 'express,'], /unknown framework ""/],
    [['--frameworks', 'koa,koa'], /names a framework twice/],
    [['--micro-only', '--frameworks', 'koa'], /--frameworks applies to the HTTP suite/],
    [['--micro-only', '--seconds', '2'], /--seconds applies to the HTTP suite/],
  ])('refuses %j', (argv, message) => {
    expect(usageError(argv).message).toMatch(message);
  });

  it('refuses a BENCH_SECONDS that is not a positive number', () => {
    expect(usageError([], { BENCH_SECONDS: 'five' }).message).toMatch(/BENCH_SECONDS must be/);
    expect(usageError([], { BENCH_SECONDS: '0' }).message).toMatch(/BENCH_SECONDS must be/);
  });
});

describe('estimateBench', () => {
  const withoutChecks = (argv: string[]) => ({ ...parseBenchArgs(argv), flood: false });

  it('charges the memory and scale checks to a run with the HTTP suite only', () => {
    const full = parseBenchArgs([]);
    const checks = estimateBench(full).seconds - estimateBench({ ...full, flood: false }).seconds;
    // A million forged and a million valid tokens, 10,000 tenants: minutes, not seconds.
    expect(checks).toBeGreaterThan(3 * 60);
    expect(checks).toBeLessThan(15 * 60);
    expect(estimateBench(parseBenchArgs(['--micro-only']))).toEqual(
      estimateBench(withoutChecks(['--micro-only'])),
    );
  });

  it('scales the checks with their counts and the tenant check with the rounds', () => {
    const quick = parseBenchArgs(['--quick']);
    const quickChecks =
      estimateBench(quick).seconds - estimateBench(withoutChecks(['--quick'])).seconds;
    const full = parseBenchArgs([]);
    const fullChecks = estimateBench(full).seconds - estimateBench(withoutChecks([])).seconds;
    expect(quickChecks).toBeGreaterThan(0);
    expect(quickChecks).toBeLessThan(fullChecks / 5);
    const moreRounds = parseBenchArgs(['--http-only', '--rounds', '5', '--frameworks', 'koa']);
    const fewerRounds = parseBenchArgs(['--http-only', '--rounds', '4', '--frameworks', 'koa']);
    const tenantRound =
      estimateBench(moreRounds).seconds -
      estimateBench({ ...moreRounds, flood: false }).seconds -
      (estimateBench(fewerRounds).seconds -
        estimateBench({ ...fewerRounds, flood: false }).seconds);
    expect(tenantRound).toBeGreaterThan(0);
  });
});

describe('node bench/run.mjs', () => {
  // Both cases exit before building or measuring anything.
  const run = (...argv: string[]) =>
    spawnSync(process.execPath, [RUN, ...argv], { encoding: 'utf8', timeout: 10_000 });

  it('--help prints the usage and exits 0', () => {
    const result = run('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(USAGE);
    expect(result.stdout).toMatch(/A full run \(defaults\) takes about \d+ min/);
  });

  it('an unknown flag prints the usage to stderr and exits 2', () => {
    const result = run('--bogus');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown argument: --bogus');
    expect(result.stderr).toContain(USAGE);
    expect(result.stdout).toBe('');
  });

  it('an invalid value exits 2 too', () => {
    const result = run('--rounds', 'zero');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--rounds must be an integer');
  });
});
