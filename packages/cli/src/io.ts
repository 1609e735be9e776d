/**
 * Where a command reads and writes. The executable passes the process's streams; tests and
 * programmatic callers pass their own, so nothing here touches `process` directly.
 *
 * @example
 * ```ts
 * // Run the CLI in a test and capture what it prints.
 * let out = '';
 * const io: CliIo = {
 *   out: (text) => void (out += text),
 *   err: (text) => void (out += text),
 *   readStdin: async () => '',
 *   untilStopped: () => new Promise(() => {}),
 * };
 * const status = await runCli(['decode', token], io);
 * ```
 */
export interface CliIo {
  /** Writes to standard output. */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
  /** Reads all of standard input (for a `-` token argument). */
  readStdin(): Promise<string>;
  /** Resolves when the user asks to stop (Ctrl-C, SIGTERM): `mint --serve` waits on it. */
  untilStopped(): Promise<void>;
}

/** Exit statuses: valid / invalid token (4xx) / IdP unavailable (503) or usage error. */
export const EXIT = Object.freeze({ ok: 0, invalid: 1, unavailable: 2, usage: 2 });

/** A mistake in how the CLI was called: printed with a hint, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
