/**
 * The context variable where `authenticate()` leaves its realm for the `authorize()` challenges
 * on the same request. A string key, not a module's own symbol: the ESM and CJS builds of this
 * package (the dual-package hazard) must find each other's.
 */
export const REALM_KEY = 'tokengate.realm';

/** Where `authenticate()` leaves its gate, so `authorize()` answers with its challenges. */
export const GATE_KEY = 'tokengate.gate';
