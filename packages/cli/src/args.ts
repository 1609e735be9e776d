import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './io.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  readonly positionals: string[];
}

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/**
 * `parseArgs` in strict mode, with its errors turned into a {@link UsageError} that suggests the
 * closest known option for a misspelling (`--audiance` → `--audience`).
 */
export function parseCommandArgs(args: readonly string[], options: Options): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
    return { values, positionals };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const unknown = /'([^']+)'/.exec(message)?.[1] ?? '';
      const name = unknown.replace(/^-+/, '').split('=')[0] ?? '';
      const known = Object.keys({ ...COMMON_OPTIONS, ...options });
      const guess = closest(name, known);
      throw new UsageError(
        `unknown option ${unknown}` + (guess === undefined ? '' : ` (did you mean --${guess}?)`),
      );
    }
    // Missing option values and the like: parseArgs' own message names the option.
    throw new UsageError(message.split('\n')[0] ?? message);
  }
}

/** The known word within edit distance ⌈length/3⌉ (at least 1, at most 3) of `word`, if any. */
export function closest(word: string, known: readonly string[]): string | undefined {
  if (word === '') return undefined;
  const limit = Math.min(3, Math.max(1, Math.ceil(word.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance with one rolling row. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** A string option's value, or `undefined`. */
export function stringOption(parsed: Parsed, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A repeatable string option's values, each also split on commas (`--scope a,b --scope c`). */
export function listOption(parsed: Parsed, name: string): string[] {
  const value = parsed.values[name];
  const raw = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return raw
    .filter((item): item is string => typeof item === 'string')
    .flatMap((item) => item.split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function flag(parsed: Parsed, name: string): boolean {
  return parsed.values[name] === true;
}

/** Exactly `count` positionals, or a usage error naming what is expected. */
export function positionals(parsed: Parsed, names: readonly string[]): string[] {
  if (parsed.positionals.length < names.length) {
    throw new UsageError(`missing argument <${names[parsed.positionals.length]}>`);
  }
  if (parsed.positionals.length > names.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[names.length])}`);
  }
  return parsed.positionals;
}
