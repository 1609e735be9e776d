/**
 * The injection token of the core `Gate` that `TokengateModule` builds: inject it to
 * authenticate outside a guard (a WebSocket handshake, a custom guard) with the same verifier.
 *
 * @example
 * ```ts
 * constructor(@Inject(TOKENGATE_GATE) private readonly gate: Gate) {}
 * ```
 */
export const TOKENGATE_GATE = Symbol('tokengate.gate');
