import type { Rule } from './rule.js';
import { names, only } from './rule-fields.js';

// Step-up rules (RFC 9470). Their values end up in the challenge's `acr_values` and `max_age`,
// so they are checked here to fit there: a space would split one acr value into two.
export function stepUp(fields: Record<string, unknown>, at: string): Rule {
  if (fields.type === 'authTime') {
    only(fields, ['type', 'maxAge', 'clockTolerance'], at);
    return {
      type: 'authTime',
      maxAge: seconds(fields.maxAge, `${at}.maxAge`, false),
      clockTolerance: seconds(fields.clockTolerance, `${at}.clockTolerance`, true),
    };
  }
  if (fields.type === 'acr') {
    only(fields, ['type', 'values'], at);
    return { type: 'acr', values: acrValues(fields.values, `${at}.values`) };
  }
  only(fields, ['type', 'method', 'acrValues'], at);
  const method = fields.method;
  if (typeof method !== 'string' || method.length === 0) {
    throw new TypeError(`${at}.method must be a non-empty string`);
  }
  if (fields.acrValues === undefined) return { type: 'amr', method };
  return { type: 'amr', method, acrValues: acrValues(fields.acrValues, `${at}.acrValues`) };
}

/** RFC 9470 §3: `acr_values` is a space-separated list, sent as an RFC 6750 quoted value. */
export function acrValues(value: unknown, at: string): readonly string[] {
  const list = names(value, at);
  list.forEach((item, i) => {
    if (!ACR_VALUE.test(item)) {
      throw new TypeError(`${at}[${i}] must be printable ASCII without spaces, '"' or '\\'`);
    }
  });
  return list;
}

const ACR_VALUE = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

function seconds(value: unknown, at: string, zero: boolean): number {
  if (typeof value === 'number' && Number.isFinite(value) && (zero ? value >= 0 : value > 0)) {
    return value;
  }
  throw new TypeError(`${at} must be a ${zero ? 'non-negative' : 'positive'} number of seconds`);
}
