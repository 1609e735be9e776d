import { InvalidTokenError, isTokengateError } from '../errors/errors.js';
import type { DpopMode, DpopPolicy } from '../dpop/dpop-options.js';
import type { BearerRequest, Credentials } from '../http/bearer.js';
import { describeRequest, notify } from '../lib/observe.js';
import type { RequestSource, VerifiedToken, VerifierEventListener } from '../lib/types.js';
import { checkSenderBinding, type SenderBindingPolicy } from './sender-binding.js';

/** What a gate tells its binding check. */
export interface RequestBindingContext {
  readonly binding: SenderBindingPolicy;
  /** The gate's DPoP policy, `undefined` when DPoP is disabled. */
  readonly dpop: DpopPolicy | undefined;
  readonly realm: string | undefined;
  /** The app's listener: a valid token with a failed proof is reported `rejected`. */
  readonly onEvent: VerifierEventListener | undefined;
  /** Adds the gate's challenges to an error for this request. */
  decorated(error: unknown, request: BearerRequest, scheme: Credentials['scheme']): unknown;
}

/** Checks a verified token against its request; the result, or a promise of it. */
export type RequestBinding = (
  result: VerifiedToken,
  request: BearerRequest,
  credentials: Credentials,
) => VerifiedToken | Promise<VerifiedToken>;

/**
 * The gate's last step for every verified token, cache hits included: the issuer's own DPoP
 * mode (`dpop.issuers`), then, for a bound token or the DPoP scheme, the proof or certificate
 * of this request (`checkSenderBinding`). Bearer token, bearer scheme: nothing more to prove.
 */
export function createRequestBinding(context: RequestBindingContext): RequestBinding {
  const { binding, realm, onEvent, decorated } = context;
  const issuerModes =
    context.dpop !== undefined && context.dpop.issuerModes.size > 0
      ? context.dpop.issuerModes
      : undefined;
  // Requests whose bound token's proof was checked, by the request's identity: a weak map, so
  // an entry lives exactly as long as its request. The same gate mounted twice on one route (or
  // a global guard and a controller's) sees the same request twice: its proof was checked the
  // first time, and checking it again would refuse it as a replay (RFC 9449 §11.1).
  const proven = new WeakMap<object, string>();

  /** `dpop.issuers`: this issuer's own mode, stricter than the gate's `allowed`. */
  function issuerPolicy(result: VerifiedToken, mode: DpopMode | undefined): void {
    if (mode === 'required' && result.binding.type !== 'dpop') {
      throw new InvalidTokenError('DPOP_SCHEME_REQUIRED', {
        description: "This issuer's tokens must be DPoP-bound and sent with a DPoP proof",
        realm,
      });
    }
    if (mode === 'disabled' && result.binding.type === 'dpop') {
      throw new InvalidTokenError('DPOP_DISABLED', {
        description: "Token is DPoP-bound, and DPoP is not accepted for this issuer's tokens",
        realm,
      });
    }
  }

  /**
   * A valid token whose proof or certificate failed: the verifier reported it `verified`, so
   * the refusal is reported here, for rejection metrics to see stolen-token attempts.
   */
  function reported(error: unknown, request: BearerRequest, result: VerifiedToken): unknown {
    if (onEvent !== undefined && isTokengateError(error)) {
      const described = describeRequest(request as RequestSource);
      notify(onEvent, {
        type: 'rejected',
        code: error.code,
        status: error.status,
        issuer: result.issuer,
        detail: error.detail,
        ...(described === undefined ? {} : { request: described }),
      });
    }
    return error;
  }

  return function bound(result, request, credentials) {
    if (issuerModes !== undefined) issuerPolicy(result, issuerModes.get(result.issuer));
    if (result.binding.type === 'bearer' && credentials.scheme === 'bearer') return result;
    const identity = request.identity ?? request.rawHeaders;
    if (proven.get(identity) === credentials.token) return result;
    let checked;
    try {
      checked = checkSenderBinding(binding, request, credentials, result);
    } catch (error) {
      throw reported(error, request, result);
    }
    if (checked === undefined) {
      proven.set(identity, credentials.token);
      return result;
    }
    return checked.then(
      () => {
        proven.set(identity, credentials.token);
        return result;
      },
      (error: unknown) => {
        throw decorated(reported(error, request, result), request, credentials.scheme);
      },
    );
  };
}
