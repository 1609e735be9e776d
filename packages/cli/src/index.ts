/**
 * The `tokengate` command line (decode and verify a token against an issuer) and `runCli`, its
 * programmatic entry for embedding or testing it with your own input and output streams.
 *
 * @example
 * ```ts
 * import { runCli } from '@tokengate/cli';
 *
 * const status = await runCli(['decode', token], {
 *   out: (text) => process.stdout.write(text),
 *   err: (text) => process.stderr.write(text),
 *   readStdin: async () => '',
 *   untilStopped: () => new Promise(() => {}),
 * });
 * ```
 *
 * @module \@tokengate/cli
 */
export { runCli } from './cli.js';
export type { CliIo } from './io.js';
