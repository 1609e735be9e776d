/** Where `authenticate()` leaves its realm for `authorize()` challenges on the same request. */
export const REALM = Symbol('tokengate.realm');
/**
 * Where `authenticate()` leaves its gate, so `authorize()` answers with the same challenges
 * (DPoP's, RFC 9728's `resource_metadata`) as the gate itself.
 */
export const GATE = Symbol('tokengate.gate');
