// The ALB verifier's durations are held to what a timer can hold: a `timeoutMs` past
// 2^31 − 1 ms would make every key fetch time out at once.
import { createAlbVerifier, type AlbVerifierOptions } from '@tokengate/core';
import { describe, expect, it } from 'vitest';

const MAX_TIMER_MS = 2 ** 31 - 1;
const VALID: AlbVerifierOptions = {
  region: 'eu-west-1',
  albArn:
    'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188',
  clientId: '1example23456789',
};

describe('createAlbVerifier() durations', () => {
  it.each(['timeoutMs', 'cooldownMs'])('refuses %s past 2^31 − 1 ms', (name) => {
    const build = () => createAlbVerifier({ ...VALID, [name]: 2 ** 31 });
    expect(build).toThrow(TypeError);
    expect(build).toThrow(new RegExp(`^${name} must be at most 2147483647`));
  });

  it.each(['timeoutMs', 'cooldownMs'])('takes %s of 2^31 − 1 ms', (name) => {
    expect(() => createAlbVerifier({ ...VALID, [name]: MAX_TIMER_MS })).not.toThrow();
  });
});
