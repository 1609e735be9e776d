/**
 * Refuses an option this package does not know, suggesting the one it resembles, as
 * `@tokengate/core` does for its own options (no dependency on it here): a misspelt option must
 * not leave a default silently in force (`expiresInn: -60` minting a valid token).
 *
 * @example
 * ```ts
 * assertKnownKeys({ expiresInn: -60 }, ['expiresIn'], 'accessToken');
 * // TypeError: accessToken: unknown option "expiresInn"; did you mean `expiresIn`?
 * ```
 */
export function assertKnownKeys(options: object, known: readonly string[], where: string): void {
  // `for…in`, not `Object.keys`: an inherited option is read like an own one, so it is checked too.
  for (const key in options) {
    if (known.includes(key)) continue;
    const near = known.find((candidate) => nearlyEqual(key, candidate));
    throw new TypeError(
      `${where}: unknown option ${JSON.stringify(key)}` +
        (near === undefined ? '' : `; did you mean \`${near}\`?`),
    );
  }
}

/** Same letters in another case, or a Levenshtein distance of at most 2. */
function nearlyEqual(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (Math.abs(x.length - y.length) > 2) return false;
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= y.length; j += 1) {
      current.push(
        Math.min(
          (previous[j] as number) + 1,
          (current[j - 1] as number) + 1,
          (previous[j - 1] as number) + (x[i - 1] === y[j - 1] ? 0 : 1),
        ),
      );
    }
    previous = current;
  }
  return (previous[y.length] as number) <= 2;
}
