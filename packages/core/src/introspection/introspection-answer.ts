import { seen } from '../errors/error-detail.js';
import type { JwtClaims, JwtHeader } from '../lib/types.js';
import type { IntrospectionSettings } from './introspection-options.js';
import { unavailable } from './introspection-request.js';

/** What the server said of a token: active, with its members, or not. */
export type IntrospectionAnswer =
  | {
      readonly active: true;
      /** The answer's members (RFC 7662 §2.2): `sub`, `client_id`, `scope`, `exp`, `cnf`… */
      readonly claims: JwtClaims;
      /** `{}` for a JSON answer; the JOSE header of an RFC 9701 JWT answer. */
      readonly header: JwtHeader;
    }
  | { readonly active: false };

/** The header of a plain JSON answer: there is none, and nothing in it can be acted on. */
export const NO_HEADER: JwtHeader = Object.freeze({}) as JwtHeader;

/** The JSON object of an RFC 7662 §2.2 answer; anything else (HTML, an array) is a 503. */
export function parseAnswerJson(
  settings: Pick<IntrospectionSettings, 'issuer'>,
  text: string,
): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    // JSON.parse's message quotes the input: keep only the error's type.
    throw unavailable(settings, { reason: 'answer is not JSON' }, new Error((cause as Error).name));
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw unavailable(settings, { reason: 'answer is not a JSON object' });
  }
  return body as Record<string, unknown>;
}

/**
 * RFC 7662 §2.2: `active` is REQUIRED and a boolean. Only the JSON `true` makes a token active;
 * an answer without it, or with `"true"`, `1` or `"yes"`, breaks the protocol, and a server
 * that does is not trusted to say anything else either: a 503, neither accepted nor blamed on
 * the token.
 */
export function answerOf(
  settings: Pick<IntrospectionSettings, 'issuer'>,
  members: Record<string, unknown>,
  header: JwtHeader,
): IntrospectionAnswer {
  if (members.active === true) return { active: true, claims: members as JwtClaims, header };
  if (members.active === false) return { active: false };
  throw unavailable(settings, {
    reason: 'answer has no boolean active member (RFC 7662 §2.2)',
    active: seen(members.active),
  });
}
