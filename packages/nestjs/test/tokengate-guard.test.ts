import {
  Catch,
  Controller,
  Get,
  HttpException,
  Post,
  UseGuards,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokengateHttpException } from '../src/index.js';
import {
  allScopes,
  anyGroup,
  Auth,
  cognitoIssuer,
  CurrentAuth,
  Public,
  TokengateGuard,
  TokengateModule,
  type JwtClaims,
  type VerifiedToken,
} from '../src/index.js';
import { withDpop } from '../../../test/support/challenges.js';
import { call, PLATFORMS, startNestApp, type Platform, type RunningNestApp } from './nest-apps.js';

const REALM = 'orders-api';
const SUB = 'user-0001';

@Controller()
class ApiController {
  @Get('health')
  @Public()
  health() {
    return { status: 'ok' };
  }

  // Neither @Auth() nor @Public(): the global guard still requires a token (fail closed).
  @Get('me')
  me(@CurrentAuth() auth: VerifiedToken<JwtClaims & { 'custom:tenant'?: string }>) {
    return { sub: auth.subject, tenant: auth.claims['custom:tenant'] ?? null };
  }

  @Get('admin')
  @Auth(anyGroup('admin'))
  admin(@CurrentAuth() auth: VerifiedToken) {
    return { admin: true, sub: auth.subject };
  }

  @Post('orders')
  @Auth(allScopes('orders:write'))
  create(@CurrentAuth() auth: VerifiedToken) {
    return { createdBy: auth.subject };
  }
}

/** Every route of this controller needs `orders:read`; one handler adds the admin group. */
@Controller('reports')
@Auth(allScopes('orders:read'))
class ReportsController {
  @Get()
  list() {
    return { reports: [] };
  }

  @Get('all')
  @Auth(anyGroup('admin'))
  all() {
    return { reports: 'all' };
  }

  @Get('open')
  @Public()
  open() {
    return { open: true };
  }
}

/** Guarded per controller, with the module's guard not global. */
@Controller('guarded')
@UseGuards(TokengateGuard)
class GuardedController {
  @Get()
  @Auth(anyGroup('admin'))
  get(@CurrentAuth() auth: VerifiedToken) {
    return { sub: auth.subject };
  }
}

@Controller('open')
class UnguardedController {
  @Get()
  get() {
    return { open: true };
  }

  // No guard ran: `@CurrentAuth()` refuses rather than hand the handler nothing.
  @Get('me')
  me(@CurrentAuth() auth: VerifiedToken) {
    return { sub: auth.subject };
  }
}

class TeapotError extends Error {}

/** An app's own filter for its own errors: tokengate's must still answer as usual. */
@Catch(TeapotError)
class TeapotFilter implements ExceptionFilter {
  catch(_error: TeapotError, host: ArgumentsHost) {
    const response = host.switchToHttp().getResponse<{ statusCode: number; end(): void }>();
    response.statusCode = 418;
    response.end();
  }
}

/** An app's catch-all filter with its own body: the challenge header must survive it. */
@Catch()
class EnvelopeFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost) {
    const response = host.switchToHttp().getResponse<Record<string, unknown>>();
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    const body = { envelope: true, code: (exception as TokengateHttpException).code };
    // Express's `res` or Fastify's `reply`, answered through their own APIs.
    if (typeof response.code === 'function') {
      (response as unknown as { code(s: number): { send(b: unknown): void } })
        .code(status)
        .send(body);
    } else {
      (response as unknown as { status(s: number): { json(b: unknown): void } })
        .status(status)
        .json(body);
    }
  }
}

let issuer: TestIssuer;
let tokens: { user: string; admin: string; tenant: string; reader: string };

function gateOptions() {
  return {
    realm: REALM,
    issuers: [
      cognitoIssuer({
        userPoolId: issuer.userPoolId ?? '',
        clientId: issuer.clientId,
        issuerOverride: issuer.issuer,
      }),
    ],
  };
}

beforeAll(async () => {
  issuer = await createTestIssuer({ kind: 'cognito' });
  tokens = {
    user: await issuer.accessToken({ sub: SUB, groups: ['users'], scopes: ['orders:read'] }),
    admin: await issuer.accessToken({
      sub: 'admin-0001',
      groups: ['admin'],
      scopes: ['orders:read', 'orders:write'],
    }),
    tenant: await issuer.accessToken({ sub: SUB, claims: { 'custom:tenant': 'acme' } }),
    reader: await issuer.accessToken({ sub: SUB, groups: ['admin'], scopes: ['profile'] }),
  };
});

afterAll(async () => {
  await issuer?.close();
});

describe.each(PLATFORMS)('%s platform', (platform: Platform) => {
  let global: RunningNestApp;
  let perController: RunningNestApp;

  beforeAll(async () => {
    global = await startNestApp(platform, {
      imports: [TokengateModule.forRoot({ ...gateOptions(), global: true })],
      controllers: [ApiController, ReportsController],
    });
    perController = await startNestApp(platform, {
      imports: [TokengateModule.forRoot(gateOptions())],
      controllers: [GuardedController, UnguardedController],
    });
  });

  afterAll(async () => {
    await Promise.all([global?.close(), perController?.close()]);
  });

  it('a valid token reaches a route, with its claims through @CurrentAuth()', async () => {
    const answer = await call(global, '/me', { token: tokens.tenant });
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 200,
      body: { sub: SUB, tenant: 'acme' },
    });
  });

  it('no token: 401 with the bare Bearer challenge and the RFC 6750 body', async () => {
    const answer = await call(global, '/me');
    expect(answer).toMatchObject({
      status: 401,
      challenge: withDpop(`Bearer realm="${REALM}"`, REALM),
      body: { error: 'unauthorized', error_description: expect.any(String) },
    });
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('a token of the wrong group: 403 access_denied', async () => {
    const answer = await call(global, '/admin', { token: tokens.user });
    expect(answer.status).toBe(403);
    expect(answer.challenge).toContain('error="access_denied"');
    expect(answer.body).toMatchObject({ error: 'access_denied' });
    expect((await call(global, '/admin', { token: tokens.admin })).status).toBe(200);
  });

  it('a missing scope: 403 insufficient_scope naming the scope; POST answers 201 when granted', async () => {
    const refused = await call(global, '/orders', { token: tokens.user, method: 'POST' });
    expect(refused.status).toBe(403);
    expect(refused.challenge).toContain('error="insufficient_scope"');
    expect(refused.challenge).toContain('scope="orders:write"');
    expect(refused.body).toMatchObject({ error: 'insufficient_scope' });
    const granted = await call(global, '/orders', { token: tokens.admin, method: 'POST' });
    expect({ status: granted.status, body: granted.body }).toEqual({
      status: 201,
      body: { createdBy: 'admin-0001' },
    });
  });

  it('@Public() answers without a token, and never reads a malformed one', async () => {
    expect((await call(global, '/health')).status).toBe(200);
    const garbage = await call(global, '/health', {
      headers: { authorization: 'Bearer %%garbage%%' },
    });
    expect({ status: garbage.status, challenge: garbage.challenge }).toEqual({
      status: 200,
      challenge: null,
    });
  });

  it('an invalid token is 401 invalid_token', async () => {
    const answer = await call(global, '/me', { token: 'not.a.jwt' });
    expect(answer.status).toBe(401);
    expect(answer.challenge).toContain('error="invalid_token"');
    expect(answer.body).toMatchObject({ error: 'invalid_token' });
  });

  it("a controller's @Auth() and a handler's @Auth() both apply; @Public() opens one handler", async () => {
    expect((await call(global, '/reports', { token: tokens.user })).status).toBe(200);
    // The handler's admin group is not enough without the controller's orders:read.
    const adminOnly = await call(global, '/reports/all', { token: tokens.reader });
    expect(adminOnly.status).toBe(403);
    expect(adminOnly.challenge).toContain('scope="orders:read"');
    expect((await call(global, '/reports/all', { token: tokens.user })).status).toBe(403);
    expect((await call(global, '/reports/all', { token: tokens.admin })).status).toBe(200);
    expect((await call(global, '/reports/open')).status).toBe(200);
  });

  it('@UseGuards(TokengateGuard) guards its controller only', async () => {
    const missing = await call(perController, '/guarded');
    expect({ status: missing.status, challenge: missing.challenge }).toEqual({
      status: 401,
      challenge: withDpop(`Bearer realm="${REALM}"`, REALM),
    });
    expect((await call(perController, '/guarded', { token: tokens.user })).status).toBe(403);
    expect((await call(perController, '/guarded', { token: tokens.admin })).body).toEqual({
      sub: 'admin-0001',
    });
    expect((await call(perController, '/open')).status).toBe(200);
  });

  it('@CurrentAuth() on a route no guard protects refuses with 401', async () => {
    const answer = await call(perController, '/open/me', { token: tokens.admin });
    expect(answer.status).toBe(401);
    expect(answer.challenge).toMatch(/^Bearer\b/);
    expect(answer.body).toMatchObject({ error: 'unauthorized' });
  });
});

describe.each(PLATFORMS)('%s platform, with the app’s own global filters', (platform) => {
  it('a filter for other exceptions leaves tokengate answers as they are', async () => {
    const running = await startNestApp(
      platform,
      {
        imports: [TokengateModule.forRoot({ ...gateOptions(), global: true })],
        controllers: [ApiController],
      },
      (app) => app.useGlobalFilters(new TeapotFilter()),
    );
    try {
      const answer = await call(running, '/orders', { token: tokens.user, method: 'POST' });
      expect(answer.status).toBe(403);
      expect(answer.challenge).toContain('scope="orders:write"');
      expect(answer.body).toEqual({
        error: 'insufficient_scope',
        error_description: expect.any(String),
      });
    } finally {
      await running.close();
    }
  });

  it('a catch-all filter with its own body still sends the WWW-Authenticate challenge', async () => {
    const running = await startNestApp(
      platform,
      {
        imports: [TokengateModule.forRoot({ ...gateOptions(), global: true })],
        controllers: [ApiController],
      },
      (app) => app.useGlobalFilters(new EnvelopeFilter()),
    );
    try {
      const answer = await call(running, '/me');
      expect(answer).toMatchObject({
        status: 401,
        challenge: withDpop(`Bearer realm="${REALM}"`, REALM),
        body: { envelope: true, code: 'CREDENTIALS_MISSING' },
      });
    } finally {
      await running.close();
    }
  });
});

describe('express platform, with another middleware setting req.auth', () => {
  it('@CurrentAuth() takes only the guard’s verified token, not a look-alike', async () => {
    const running = await startNestApp(
      'express',
      { imports: [TokengateModule.forRoot(gateOptions())], controllers: [UnguardedController] },
      // express-jwt, for one, sets a decoded (unverified) payload as `req.auth`.
      (app) =>
        app.use((req: { auth?: unknown }, _res: unknown, next: () => void) => {
          req.auth = { subject: 'forged', claims: { sub: 'forged' }, scopes: [], groups: [] };
          next();
        }),
    );
    try {
      const answer = await call(running, '/open/me');
      expect({ status: answer.status, body: answer.body }).toMatchObject({
        status: 401,
        body: { error: 'unauthorized' },
      });
    } finally {
      await running.close();
    }
  });
});
