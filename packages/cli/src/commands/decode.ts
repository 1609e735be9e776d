import { flag, parseCommandArgs, positionals } from '../args.js';
import { describeTimes } from '../format/time.js';
import { EXIT, type CliIo } from '../io.js';
import { decodeToken, readToken } from '../token-input.js';

export const DECODE_HELP = `Usage: tokengate decode <token|-> [--json]

Prints a token's header and claims WITHOUT verifying anything: the signature, issuer,
audience and times are not checked. Use \`tokengate verify\` for that.

  <token|->   the JWT, or - to read it from stdin (a "Bearer " prefix is removed)
  --json      print { header, claims } as one JSON object
`;

/** `tokengate decode`: header, claims and times of a token, clearly unverified. */
export async function decodeCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(args, { json: { type: 'boolean' } });
  if (flag(parsed, 'help')) {
    io.out(DECODE_HELP);
    return EXIT.ok;
  }
  const [argument] = positionals(parsed, ['token|-']);
  const { header, claims } = decodeToken(await readToken(argument ?? '', io));
  if (flag(parsed, 'json')) {
    io.out(`${JSON.stringify({ verified: false, header, claims }, null, 2)}\n`);
    return EXIT.ok;
  }
  const times = describeTimes(claims, Date.now() / 1000);
  io.out(
    [
      'UNVERIFIED: decoded only; signature, issuer, audience and times were NOT checked.',
      '',
      'Header:',
      JSON.stringify(header, null, 2),
      '',
      'Claims:',
      JSON.stringify(claims, null, 2),
      ...(times.length === 0 ? [] : ['', 'Times:', ...times.map((line) => `  ${line}`)]),
      '',
    ].join('\n'),
  );
  return EXIT.ok;
}
