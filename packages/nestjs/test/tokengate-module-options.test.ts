// What forRoot() is given is checked when it is called and copied: a mistake is a TypeError
// from forRoot() itself (not at some later bootstrap), and changing the options object
// afterwards changes nothing. forRootAsync()'s factory result gets the same checks at start-up.
import { Test } from '@nestjs/testing';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cognitoIssuer,
  TOKENGATE_GATE,
  TokengateModule,
  type Gate,
  type GateOptions,
  type TokengateModuleOptions,
} from '../src/index.js';
import { call, MeController, startNestApp } from './nest-apps.js';

let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ kind: 'cognito' });
});
afterAll(async () => {
  await issuer?.close();
});

const FOR_ROOT = '@tokengate/nestjs TokengateModule.forRoot()';
const FOR_ROOT_ASYNC = '@tokengate/nestjs TokengateModule.forRootAsync()';

function issuers() {
  return [cognitoIssuer({ clientId: issuer.clientId, issuerOverride: issuer.issuer })];
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('forRoot()', () => {
  it('throws at once, with no application compiled', () => {
    const error = thrown(() => TokengateModule.forRoot({ isuers: [] } as never));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(`${FOR_ROOT}: unknown option "isuers"; did you mean \`issuers\`?`);
    expect(() => TokengateModule.forRoot({ realm: 5 } as never)).toThrow(TypeError);
  });

  it('ignores changes to the options object made after it returned', async () => {
    const options: { -readonly [K in keyof TokengateModuleOptions]: unknown } = {
      issuers: issuers(),
      realm: 'original',
      global: true,
    };
    const module = TokengateModule.forRoot(options as TokengateModuleOptions);
    // Reassigned before the application boots: none of it may take effect.
    options.realm = 'changed';
    options.issuers = undefined;
    options.optional = true;
    (options as Record<string, unknown>)['isuers'] = 1;
    const running = await startNestApp('express', {
      imports: [module],
      controllers: [MeController],
    });
    try {
      const missing = await call(running, '/me');
      expect(missing.status).toBe(401);
      expect(missing.challenge).toMatch(/^Bearer realm="original"/);
      const token = await issuer.accessToken({ sub: 'snapshot-user' });
      expect((await call(running, '/me', { token })).body).toEqual({ sub: 'snapshot-user' });
    } finally {
      await running.close();
    }
  });

  it('gives each application booted from the same module its own open gate', async () => {
    const module = TokengateModule.forRoot({ issuers: issuers(), global: true });
    const gates: Gate[] = [];
    for (let round = 0; round < 2; round += 1) {
      const running = await startNestApp('express', {
        imports: [module],
        controllers: [MeController],
      });
      try {
        gates.push(running.app.get<Gate>(TOKENGATE_GATE));
        const token = await issuer.accessToken({ sub: `round-${round}` });
        // The second application must not be handed the gate the first one closed.
        expect((await call(running, '/me', { token })).body).toEqual({ sub: `round-${round}` });
      } finally {
        await running.close();
      }
    }
    expect(gates[0]).not.toBe(gates[1]);
  });
});

describe('forRootAsync(): the factory result', () => {
  const compile = (useFactory: () => unknown) =>
    Test.createTestingModule({
      imports: [
        TokengateModule.forRootAsync({
          useFactory: useFactory as () => GateOptions,
        }),
      ],
    }).compile();

  it('is checked with the same messages as forRoot(), naming forRootAsync()', async () => {
    for (const bad of [
      { issuers: issuers(), realm: 7 },
      { issuers: issuers(), optionl: true },
      { isuers: [] },
    ]) {
      const sync = thrown(() => TokengateModule.forRoot(bad as never));
      const async = await rejection(compile(async () => bad));
      expect(async).toBeInstanceOf(TypeError);
      expect(async.message).toBe(sync.message.replace(FOR_ROOT, FOR_ROOT_ASYNC));
    }
  });

  it('must be an object, without global (which is forRootAsync()’s own)', async () => {
    for (const result of [undefined, null, 'issuers']) {
      const error = await rejection(compile(() => result));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe(
        `${FOR_ROOT_ASYNC}: useFactory must resolve to the gate options object`,
      );
    }
    const error = await rejection(compile(() => ({ issuers: issuers(), global: true })));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/unknown option "global".*pass global to forRootAsync\(\)/);
  });
});
