import { closest } from './args.js';
import { decodeCommand } from './commands/decode.js';
import { jwksCommand } from './commands/jwks.js';
import { mintCommand } from './commands/mint.js';
import { verifyCommand } from './commands/verify.js';
import { EXIT, UsageError, type CliIo } from './io.js';
import { MalformedTokenError } from './token-input.js';
import manifest from '../package.json' with { type: 'json' };

export const HELP = `tokengate: see why a token fails.

Usage: tokengate <command> [options]

Commands:
  decode <token|->         header and claims, times in plain words (UNVERIFIED)
  verify <token|-> …       run the real verifier and show every check
  jwks <issuer|jwks-url>   list an issuer's keys and cache headers
  mint --kind cognito|oidc local test tokens, with --serve a running local issuer

Options:
  -h, --help      help (also: tokengate <command> --help)
  -v, --version   version

Exit status: 0 ok / valid, 1 token invalid or refused, 2 IdP unavailable or usage error.
`;

const COMMANDS: Readonly<Record<string, (args: readonly string[], io: CliIo) => Promise<number>>> =
  {
    decode: decodeCommand,
    verify: verifyCommand,
    jwks: jwksCommand,
    mint: mintCommand,
  };

/**
 * Runs the `tokengate` command line with `args` (without `node` and the script) and resolves to
 * the exit status. Never throws for a user's mistake: usage errors are printed to `io.err`.
 *
 * @example
 * ```ts
 * const status = await runCli(['decode', token], { out: console.log, err: console.error, … });
 * ```
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = args;
  try {
    if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
      io.out(HELP);
      return first === undefined ? EXIT.usage : EXIT.ok;
    }
    if (first === '-v' || first === '--version') {
      io.out(`${manifest.version}\n`);
      return EXIT.ok;
    }
    const command = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
    if (command === undefined) {
      const guess = closest(first.replace(/^-+/, ''), Object.keys(COMMANDS));
      const what = first.startsWith('-') ? 'option' : 'command';
      throw new UsageError(
        `unknown ${what} ${first}` + (guess === undefined ? '' : ` (did you mean ${guess}?)`),
      );
    }
    return await command(rest, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const help = first !== undefined && Object.hasOwn(COMMANDS, first) ? ` ${first}` : '';
    // Bad input is not a bad command line: no pointer to the help for it.
    const hint =
      error instanceof MalformedTokenError ? '' : `Run "tokengate${help} --help" for usage.\n`;
    io.err(`tokengate: ${error.message}\n${hint}`);
    return EXIT.usage;
  }
}
