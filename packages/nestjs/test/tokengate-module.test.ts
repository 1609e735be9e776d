import { Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cognitoIssuer, TOKENGATE_GATE, TokengateModule, type Gate } from '../src/index.js';
import { withDpop } from '../../../test/support/challenges.js';
import { call, MeController, PLATFORMS, startNestApp } from './nest-apps.js';

let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ kind: 'cognito' });
});

afterAll(async () => {
  await issuer?.close();
});

describe.each(PLATFORMS)('forRootAsync() on %s', (platform) => {
  it('builds the gate from ConfigService', async () => {
    const config = ConfigModule.forRoot({
      ignoreEnvFile: true,
      load: [() => ({ ISSUER: issuer.issuer, CLIENT_ID: issuer.clientId, REALM: 'from-config' })],
    });
    const running = await startNestApp(platform, {
      imports: [
        TokengateModule.forRootAsync({
          imports: [config],
          inject: [ConfigService],
          useFactory: (settings: ConfigService) => ({
            realm: settings.getOrThrow<string>('REALM'),
            issuers: [
              cognitoIssuer({
                clientId: settings.getOrThrow<string>('CLIENT_ID'),
                issuerOverride: settings.getOrThrow<string>('ISSUER'),
              }),
            ],
          }),
          global: true,
        }),
      ],
      controllers: [MeController],
    });
    try {
      const token = await issuer.accessToken({ sub: 'from-config-user' });
      expect((await call(running, '/me', { token })).body).toEqual({ sub: 'from-config-user' });
      const missing = await call(running, '/me');
      expect({ status: missing.status, challenge: missing.challenge }).toEqual({
        status: 401,
        challenge: withDpop('Bearer realm="from-config"', 'from-config'),
      });
    } finally {
      await running.close();
    }
  });
});

describe('TokengateModule', () => {
  it('closes the gate it built when the application closes', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [TokengateModule.forRoot({ issuers: [cognitoIssuer(issuerOptions())] })],
    }).compile();
    const gate = moduleRef.get<Gate>(TOKENGATE_GATE);
    let closed = 0;
    const close = gate.close;
    // The module holds this same object: count the calls, then let the real close run.
    Object.assign(gate, { close: () => ((closed += 1), close()) });
    await moduleRef.close();
    expect(closed).toBe(1);
  });

  it('the gate is injectable in any module (the module is global)', async () => {
    @Injectable()
    class NeedsGate {
      constructor(readonly gate: Gate) {}
    }
    // Named explicitly: the app's own classes may be compiled without `emitDecoratorMetadata`.
    const provider = {
      provide: NeedsGate,
      inject: [TOKENGATE_GATE],
      useFactory: (gate: Gate) => new NeedsGate(gate),
    };
    @Module({ providers: [provider], exports: [NeedsGate] })
    class FeatureModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [
        TokengateModule.forRoot({ issuers: [cognitoIssuer(issuerOptions())] }),
        FeatureModule,
      ],
    }).compile();
    try {
      expect(typeof moduleRef.get(NeedsGate).gate.authenticate).toBe('function');
    } finally {
      await moduleRef.close();
    }
  });

  it('rejects bad options with a TypeError from forRoot() itself, before any application', () => {
    const forRoot = (options: unknown) =>
      TokengateModule.forRoot(options as Parameters<typeof TokengateModule.forRoot>[0]);
    expect(() => forRoot({ issuers: [cognitoIssuer(issuerOptions())], realm: 7 })).toThrow(
      TypeError,
    );
    expect(() => forRoot({ issuers: [cognitoIssuer(issuerOptions())], optionl: true })).toThrow(
      '@tokengate/nestjs TokengateModule.forRoot(): unknown option "optionl"; did you mean `optional`?',
    );
    expect(() => forRoot({ isuers: [] })).toThrow(/unknown option "isuers"/);
    expect(() => forRoot({ issuers: [cognitoIssuer(issuerOptions())], global: 'yes' })).toThrow(
      TypeError,
    );
    expect(() => forRoot(null)).toThrow(TypeError);
  });

  it('forRootAsync() validates its own options at once, and the factory’s at start-up', async () => {
    expect(() => TokengateModule.forRootAsync({ useFactory: 'no' as never })).toThrow(TypeError);
    expect(() =>
      TokengateModule.forRootAsync({ useFactory: () => ({ issuers: [] }), inject: 'x' as never }),
    ).toThrow(TypeError);
    expect(() =>
      TokengateModule.forRootAsync({ useFactory: () => ({ issuers: [] }), injects: [] } as never),
    ).toThrow(/unknown option/);
    const bad = Test.createTestingModule({
      imports: [
        TokengateModule.forRootAsync({
          useFactory: async () => ({ issuers: [cognitoIssuer(issuerOptions())], global: true }),
        }),
      ],
    }).compile();
    // `global` belongs to forRootAsync(), not to the gate options.
    await expect(bad).rejects.toThrow(/unknown option/);
  });
});

function issuerOptions() {
  return { clientId: issuer.clientId, issuerOverride: issuer.issuer };
}
