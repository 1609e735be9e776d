import type { ClaimPolicy } from '../lib/types.js';

const POLICY_KEYS = [
  'audience',
  'algorithms',
  'clockToleranceSeconds',
  'maxTokenAgeSeconds',
  'typ',
  'requiredClaims',
] as const satisfies readonly (keyof ClaimPolicy)[];

/** The `ClaimPolicy` members an issuer's options set, so unset ones fall back to verifier defaults. */
export function pickPolicy(options: ClaimPolicy): ClaimPolicy {
  const policy: Record<string, unknown> = {};
  for (const key of POLICY_KEYS) if (options[key] !== undefined) policy[key] = options[key];
  return policy as ClaimPolicy;
}
