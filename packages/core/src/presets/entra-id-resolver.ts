import type { IssuerResolver } from '../issuers/issuer-resolver.js';
import { matchIssuer } from '../issuers/issuer-resolver.js';
import { assertKnownKeys, stringList } from '../lib/options.js';
import { presetKeys } from './preset-base.js';
import { entraIdIssuer } from './entra-id-issuer.js';
import type { PresetOptions } from './preset-options.js';
import { frozenCopy } from '../issuers/issuer-shape.js';

/**
 * Options of {@link entraIdResolver}: the multi-tenant API's audience and which tenants may
 * call. Checked at creation, with `TypeError`.
 *
 * @example
 * ```ts
 * const options: EntraIdResolverOptions = { audience: 'api-app-id', allowedTenants: ['8f2c…-tenant-id'] };
 * const verifier = createVerifier({ resolveIssuer: entraIdResolver(options) });
 * ```
 */
export interface EntraIdResolverOptions extends Omit<PresetOptions, 'issuerOverride'> {
  /** Accepted `aud` values: your multi-tenant API's application (client) id. */
  readonly audience: string | readonly string[];
  /**
   * Tenants allowed in: a list of directory ids, or a function (e.g. a lookup in your
   * customer table). Without it, any Entra tenant's users are accepted.
   */
  readonly allowedTenants?: readonly string[] | ((tenantId: string) => boolean | Promise<boolean>);
  /** Which tokens this API accepts, as in `entraIdIssuer()`. Default `access`. */
  readonly tokenUse?: 'access' | 'id' | 'both';
}

// Every tenant's v2.0 issuer: https://login.microsoftonline.com/{tenantid}/v2.0
const ENTRA_V2_ISSUER =
  /^https:\/\/login\.microsoftonline\.com\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/v2\.0$/;
// Microsoft signs every tenant's tokens with the same keys, published here too: one key set
// for all tenants instead of one fetch per tenant.
const COMMON_KEYS = 'https://login.microsoftonline.com/common/discovery/v2.0/keys';
// Only used to check the options once, at creation.
const PROBE_TENANT = '00000000-0000-0000-0000-000000000000';

/**
 * Multi-tenant Microsoft Entra ID (`common` / `organizations` apps): the `iss` names each
 * user's own tenant, so it is matched against the v2.0 issuer template and checked against
 * the token's `tid` (Microsoft's advice for multi-tenant validation). Pass it as
 * `resolveIssuer` to `createVerifier()` or an adapter.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({
 *   resolveIssuer: entraIdResolver({ audience: 'api-app-id', allowedTenants: (tid) => customers.has(tid) }),
 * });
 * ```
 */
export function entraIdResolver(options: EntraIdResolverOptions): IssuerResolver {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('entraIdResolver options must be an object');
  }
  assertKnownKeys(options, RESOLVER_OPTION_KEYS, 'entraIdResolver');
  const { allowedTenants, ...given } = options;
  // Read again for every tenant at request time: a frozen copy, so changing `options` (or the
  // arrays in it) after this call changes nothing.
  const issuerOptions = frozenCopy(given);
  stringList(options.audience, 'audience');
  // Issuers are built per tenant at request time, where a TypeError would be a 500: build one
  // now so every option mistake (tokenUse, jwksUri, algorithms, …) surfaces at creation.
  entraIdIssuer({ jwksUri: COMMON_KEYS, ...issuerOptions, tenantId: PROBE_TENANT });
  let allowed: (tenantId: string) => boolean | Promise<boolean>;
  if (allowedTenants === undefined) allowed = () => true;
  else if (typeof allowedTenants === 'function') allowed = allowedTenants;
  else {
    const set = new Set(
      stringList(allowedTenants, 'allowedTenants').map((tid) => tid.toLowerCase()),
    );
    allowed = (tenantId) => set.has(tenantId);
  }
  return matchIssuer(ENTRA_V2_ISSUER, async (_iss, [, tenantId]) => {
    if (tenantId === undefined || !(await allowed(tenantId))) return undefined;
    return entraIdIssuer({ jwksUri: COMMON_KEYS, ...issuerOptions, tenantId });
  });
}

const RESOLVER_OPTION_KEYS = new Set(
  [...presetKeys<EntraIdResolverOptions>({ audience: true, allowedTenants: true, tokenUse: true })]
    // Each tenant has its own issuer: one fixed `iss` would contradict the resolver.
    .filter((key) => key !== 'issuerOverride'),
);
