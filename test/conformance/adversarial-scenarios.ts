// The adversarial catalogue (issue "Proof of hardness"): every hostile request, by family,
// with the exact answer tokengate must give. adversarial.test.ts runs it against Express, Koa
// and Fastify.
import { ALG_SCENARIOS } from './adversarial-alg.js';
import { CLAIMS_SCENARIOS } from './adversarial-claims.js';
import { CONFUSION_SCENARIOS } from './adversarial-confusion.js';
import { ENCODING_SCENARIOS } from './adversarial-encoding.js';
import { HEADER_SCENARIOS } from './adversarial-header.js';
import type { AdversarialScenario } from './adversarial-kit.js';
import { OUTAGE_SCENARIOS } from './adversarial-outage.js';
import { RULE_SCENARIOS } from './adversarial-rules.js';
import { TRANSPORT_SCENARIOS } from './adversarial-transport.js';

export const ADVERSARIAL_FAMILIES: Readonly<Record<string, readonly AdversarialScenario[]>> = {
  'alg games': ALG_SCENARIOS,
  'header trust': HEADER_SCENARIOS,
  encodings: ENCODING_SCENARIOS,
  'payload shapes and claim types': CLAIMS_SCENARIOS,
  'token confusion': CONFUSION_SCENARIOS,
  'rule tricks': RULE_SCENARIOS,
  transport: TRANSPORT_SCENARIOS,
  'IdP outage': OUTAGE_SCENARIOS,
};
