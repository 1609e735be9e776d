// A child process of bench/valid-token-phase.mjs that signs distinct, valid ES256 tokens with
// `node:crypto` against the bench issuer's private key. Minting runs here, not in the measured
// process, so its CPU, garbage and memory never count against the verifier; and only while the
// measured process waits (lock-step), so the two never compete for a core.
//
// Messages from the parent: `{ setup }` once, then `{ mint: { from, count } }` (answered with
// `{ tokens }`) and `{ replay: true }` (answered with `{ chunks: [{ from, tokens }] }`: the
// chunks that hold the newest `setup.keep` tokens it minted, for the cache probe).
import { createPrivateKey, sign } from 'node:crypto';

let header = '';
let claimsBefore = '';
let claimsAfter = '';
let privateKey;
let keep = 0;
// The newest chunks minted, oldest first, holding at least `keep` tokens.
const history = [];
let kept = 0;

const JTI_MARK = '<jti>';

process.on('message', (message) => {
  if (message.setup !== undefined) {
    const { headerSegment, claims, privateJwk, prefix } = message.setup;
    keep = message.setup.keep;
    header = headerSegment;
    privateKey = createPrivateKey({ key: privateJwk, format: 'jwk' });
    // The claims as JSON with a placeholder `jti`, split around it: a token is then one string
    // concatenation, one base64url encoding and one signature.
    const json = JSON.stringify({ ...claims, jti: JTI_MARK });
    const at = json.indexOf(JTI_MARK);
    claimsBefore = `${json.slice(0, at)}${prefix}-`;
    claimsAfter = json.slice(at + JTI_MARK.length);
    process.send({ ready: true });
  } else if (message.mint !== undefined) {
    const { from, count } = message.mint;
    const tokens = [];
    for (let index = from; index < from + count; index += 1) tokens.push(mint(index));
    process.send({ tokens });
    history.push({ from, tokens });
    kept += tokens.length;
    while (kept - history[0].tokens.length >= keep) kept -= history.shift().tokens.length;
  } else if (message.replay === true) {
    process.send({ chunks: history });
  }
});
process.on('disconnect', () => process.exit(0));

/** Token `index`: the template's claims with its own `jti`, so its own payload and signature. */
function mint(index) {
  const payload = Buffer.from(`${claimsBefore}${index}${claimsAfter}`).toString('base64url');
  const signingInput = `${header}.${payload}`;
  // RFC 7518 §3.4: ES256 signatures are R || S (IEEE P1363), not DER.
  const signature = sign('sha256', Buffer.from(signingInput), {
    key: privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${signingInput}.${signature.toString('base64url')}`;
}
