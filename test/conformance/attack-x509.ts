// The attacker's self-signed certificate for `x5c` chains: the DER builder now lives in
// test/support/x509.ts, shared with the mTLS tests; this module keeps its old import path.
export { selfSignedCertificate } from '../support/x509.js';
