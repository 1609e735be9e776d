/** Where `authenticate()` leaves its realm for `authorize()` challenges on the same request. */
export const REALM = Symbol('tokengate.realm');
