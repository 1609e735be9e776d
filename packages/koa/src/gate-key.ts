/**
 * Where `authenticate()` leaves its gate on the middleware it returns, for
 * `resourceMetadata(requireAuth)`. Module-private: only this package's own `authenticate()` can
 * hand a gate over.
 */
export const GATE = Symbol('tokengate.gate');
