// Command line of `pnpm bench`, parsed apart from running anything so that test/bench can
// check it without starting a benchmark. Every mistake is a `BenchUsageError`, which
// `bench/run.mjs` prints with the usage and turns into exit code 2.

/** Frameworks of the HTTP suite, by the name `--frameworks` takes. */
export const FRAMEWORKS = ['express', 'fastify', 'koa', 'hono', 'nestjs'];

export const USAGE = `usage: pnpm bench [options]

  --quick            one short round for development: 1 s per run, floods and tenants shrunk
                     (100,000 tokens, 1,000 tenants instead of 1,000,000 and 10,000)
  --rounds N         interleaved rounds per suite (default 3; --quick: 1)
  --seconds S        measured seconds per HTTP run (default 5; --quick: 1; env BENCH_SECONDS)
  --frameworks a,b   HTTP frameworks to run, of ${FRAMEWORKS.join(', ')} (default: all)
  --no-build         measure the current dist instead of building the packages first
  --micro-only       only the micro suite (one verification in-process)
  --http-only        only the HTTP suite and the memory and scale checks (floods, tenants)
  -h, --help         print this help`;

/** A mistake on the command line: `bench/run.mjs` prints it with the usage and exits 2. */
export class BenchUsageError extends Error {
  constructor(message) {
    super(message);
    this.name = 'BenchUsageError';
  }
}

// The full run is what docs/benchmarks.md holds; --quick only proves the harness end to end.
// Counts of the memory and scale checks: forged and valid tokens per flood, tenants.
const FULL = {
  rounds: 3,
  seconds: 5,
  warmupSeconds: 2,
  microIterations: 2000,
  microWarmup: 300,
  floodTokens: 1_000_000,
  validTokens: 1_000_000,
  tenants: 10_000,
};
const QUICK = {
  rounds: 1,
  seconds: 1,
  warmupSeconds: 0.5,
  microIterations: 500,
  microWarmup: 100,
  floodTokens: 100_000,
  validTokens: 100_000,
  tenants: 1000,
};
const MAX_ROUNDS = 50;
const MAX_SECONDS = 600;

const SWITCHES = new Set(['--quick', '--no-build', '--micro-only', '--http-only', '--help', '-h']);
const VALUED = new Set(['--rounds', '--seconds', '--frameworks']);

/**
 * @param {readonly string[]} argv the arguments after the script, `process.argv.slice(2)`
 * @param {Readonly<Record<string, string | undefined>>} [env] read for `BENCH_SECONDS` only
 * @returns {import('./args.d.mts').BenchOptions}
 * @throws {BenchUsageError}
 */
export function parseBenchArgs(argv, env = {}) {
  /** @type {Map<string, string | true>} */
  const given = new Map();
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    let value;
    if (VALUED.has(name)) {
      if (eq > 0) value = arg.slice(eq + 1);
      else {
        value = argv[index + 1];
        if (value === undefined || value.startsWith('-')) {
          throw new BenchUsageError(`${name} needs a value`);
        }
        index++;
      }
    } else if (SWITCHES.has(arg)) {
      value = true;
    } else {
      throw new BenchUsageError(`unknown argument: ${arg}`);
    }
    const key = name === '-h' ? '--help' : name;
    if (given.has(key)) throw new BenchUsageError(`${key} given twice`);
    given.set(key, value);
  }

  const help = given.has('--help');
  const quick = given.has('--quick');
  if (given.has('--micro-only') && given.has('--http-only')) {
    throw new BenchUsageError('--micro-only and --http-only exclude each other');
  }
  const micro = !given.has('--http-only');
  const http = !given.has('--micro-only');
  if (!http && given.has('--frameworks')) {
    throw new BenchUsageError('--frameworks applies to the HTTP suite, not to --micro-only');
  }
  if (!http && given.has('--seconds')) {
    throw new BenchUsageError('--seconds applies to the HTTP suite, not to --micro-only');
  }

  const defaults = quick ? QUICK : FULL;
  const rounds = given.has('--rounds')
    ? integerIn('--rounds', given.get('--rounds'), 1, MAX_ROUNDS)
    : defaults.rounds;
  const secondsText = given.get('--seconds') ?? env.BENCH_SECONDS;
  const seconds =
    secondsText === undefined || secondsText === ''
      ? defaults.seconds
      : positiveNumber(given.has('--seconds') ? '--seconds' : 'BENCH_SECONDS', secondsText);
  const frameworks = given.has('--frameworks')
    ? frameworkList(String(given.get('--frameworks')))
    : [...FRAMEWORKS];

  return {
    help,
    quick,
    build: !given.has('--no-build'),
    micro,
    http,
    // The memory and scale checks (forged- and valid-token floods, tenants) go with the HTTP
    // suite; --quick shrinks their counts rather than skipping them, so the harness is checked.
    flood: http,
    rounds,
    seconds,
    // Never longer than the measured run itself, so --seconds 1 stays short.
    warmupSeconds: Math.min(defaults.warmupSeconds, seconds),
    frameworks,
    microIterations: defaults.microIterations,
    microWarmup: defaults.microWarmup,
    floodTokens: defaults.floodTokens,
    validTokens: defaults.validTokens,
    tenants: defaults.tenants,
  };
}

function integerIn(name, text, min, max) {
  const value = /^\d+$/.test(String(text)) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new BenchUsageError(`${name} must be an integer from ${min} to ${max}, got ${text}`);
  }
  return value;
}

function positiveNumber(name, text) {
  const value = /^\d+(\.\d+)?$/.test(String(text)) ? Number(text) : Number.NaN;
  if (!(value > 0 && value <= MAX_SECONDS)) {
    throw new BenchUsageError(
      `${name} must be a number of seconds in (0, ${MAX_SECONDS}], got ${text}`,
    );
  }
  return value;
}

function frameworkList(text) {
  const names = text.split(',').map((name) => name.trim().toLowerCase());
  for (const name of names) {
    if (!FRAMEWORKS.includes(name)) {
      throw new BenchUsageError(
        `--frameworks: unknown framework "${name}", expected some of ${FRAMEWORKS.join(', ')}`,
      );
    }
  }
  if (new Set(names).size !== names.length) {
    throw new BenchUsageError(`--frameworks: ${text} names a framework twice`);
  }
  return names;
}
