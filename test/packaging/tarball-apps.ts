// The sources of the small apps tarball-apps.test.ts and registry-rehearsal.test.ts write into
// fresh npm projects: one protected route per adapter, written the way a user of each module
// format would write it.
// Each app serves `GET /admin` (group `admin`) on port 0 and hands it to `drive.cjs`, which
// mints tokens with @tokengate/testing, asks four questions and prints the answers as JSON.

export type Adapter = 'express' | 'express4' | 'koa' | 'fastify';
export type Format = 'esm' | 'cjs';

export interface Answer {
  readonly status: number;
  readonly challenge: string | null;
  readonly body: string;
}

/** What `drive.cjs` prints. */
export interface DriveReport {
  readonly valid: Answer;
  readonly missing: Answer;
  readonly forbidden: Answer;
  readonly expired: Answer;
  /** Dual-package apps only: whether both builds of the core share one `TokengateError`. */
  readonly sameErrorClass?: boolean;
}

export const REALM = 'packaging';

/**
 * Shared by every app (an ES module can import it too). It takes the app's own
 * `createTestIssuer`, so each format exercises its own build of @tokengate/testing.
 */
export const DRIVER_SOURCE = `'use strict';
exports.drive = async function drive({ createTestIssuer, makeOptions, start, extra = {} }) {
  const issuer = await createTestIssuer({ kind: 'oidc' });
  const options = makeOptions(issuer);
  const app = await start(options);
  try {
    const ask = async (token) => {
      const headers = token === undefined ? {} : { authorization: 'Bearer ' + token };
      const res = await fetch('http://127.0.0.1:' + app.port + '/admin', { headers });
      return { status: res.status, challenge: res.headers.get('www-authenticate'), body: await res.text() };
    };
    const report = {
      valid: await ask(await issuer.accessToken({ groups: ['admin'] })),
      missing: await ask(undefined),
      forbidden: await ask(await issuer.accessToken({ groups: ['staff'] })),
      expired: await ask(await issuer.accessToken({ groups: ['admin'], expiresIn: -120 })),
      ...extra,
    };
    process.stdout.write(JSON.stringify(report));
  } finally {
    await app.close();
    await options.verifier?.close?.();
    await issuer.close();
  }
};
`;

interface Imports {
  readonly adapter: string;
  readonly names: readonly string[];
  readonly framework: { readonly name: string; readonly module: string } | undefined;
}

const IMPORTS: Record<Adapter, Imports> = {
  express: {
    adapter: '@tokengate/express',
    names: ['authenticate', 'authorize', 'errorHandler', 'anyGroup', 'oidcIssuer'],
    framework: { name: 'express', module: 'express' },
  },
  // Installed as `express4@npm:express@4`, next to Express 5.
  express4: {
    adapter: '@tokengate/express',
    names: ['authenticate', 'authorize', 'errorHandler', 'anyGroup', 'oidcIssuer'],
    framework: { name: 'express', module: 'express4' },
  },
  koa: {
    adapter: '@tokengate/koa',
    names: ['authenticate', 'authorize', 'anyGroup', 'oidcIssuer'],
    framework: { name: 'Koa', module: 'koa' },
  },
  fastify: {
    adapter: '@tokengate/fastify',
    names: ['tokengate', 'anyGroup', 'oidcIssuer'],
    framework: { name: 'Fastify', module: 'fastify' },
  },
};

const HTTP_START = `
  const server = app.listen(0, '127.0.0.1');
  await new Promise((ready) => server.once('listening', ready));
  const close = () => new Promise((done) => {
    server.close(done);
    server.closeAllConnections();
  });
  return { port: server.address().port, close: async () => { await close(); await requireAuth.close(); } };`;

/** `async (options) => ({ port, close })`: the app, built the way each framework's docs do. */
const START: Record<Adapter, string> = {
  express: `async (options) => {
  const app = express();
  const requireAuth = authenticate(options);
  app.get('/admin', requireAuth, authorize(anyGroup('admin')), (req, res) => {
    res.json({ sub: req.auth.subject });
  });
  app.use(errorHandler());${HTTP_START}
}`,
  express4: '',
  koa: `async (options) => {
  const app = new Koa();
  const requireAuth = authenticate(options);
  app.use(requireAuth);
  app.use(authorize(anyGroup('admin')));
  app.use((ctx) => {
    ctx.body = { sub: ctx.state.auth.subject };
  });${HTTP_START}
}`,
  fastify: `async (options) => {
  const app = Fastify();
  await app.register(tokengate, options);
  app.get('/admin', { config: { auth: anyGroup('admin') } }, async (request) => ({
    sub: request.auth.subject,
  }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { port: app.server.address().port, close: () => app.close() };
}`,
};
START.express4 = START.express;

function importLines(adapter: Adapter, format: Format): string {
  const { adapter: module, names, framework } = IMPORTS[adapter];
  const lines =
    format === 'esm'
      ? [
          `import { ${names.join(', ')} } from '${module}';`,
          `import { createTestIssuer } from '@tokengate/testing';`,
          `import { drive } from './drive.cjs';`,
        ]
      : [
          `const { ${names.join(', ')} } = require('${module}');`,
          `const { createTestIssuer } = require('@tokengate/testing');`,
          `const { drive } = require('./drive.cjs');`,
        ];
  if (framework !== undefined) {
    lines.unshift(
      format === 'esm'
        ? `import ${framework.name} from '${framework.module}';`
        : `const ${framework.name} = require('${framework.module}');`,
    );
  }
  return lines.join('\n');
}

const MAIN_TAIL = `.catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

/** An app loading the adapter and @tokengate/testing in one module format. */
export function appSource(adapter: Adapter, format: Format): string {
  return `${importLines(adapter, format)}

drive({
  createTestIssuer,
  makeOptions: (issuer) => ({
    issuers: [oidcIssuer({ issuer: issuer.issuer, audience: issuer.audience })],
    realm: '${REALM}',
  }),
  start: ${START[adapter]},
})${MAIN_TAIL}`;
}

/**
 * The dual-package hazard: a CommonJS app `require`s the adapter (so the adapter runs on the
 * core's CJS build) but builds its verifier from `import('@tokengate/core')` (the ESM build).
 * Errors the verifier throws are then instances of the other build's classes.
 */
export function dualPackageSource(adapter: Exclude<Adapter, 'express4'>): string {
  return `${importLines(adapter, 'cjs')}

(async () => {
  const esmCore = await import('@tokengate/core');
  const cjsCore = require('@tokengate/core');
  await drive({
    createTestIssuer,
    makeOptions: (issuer) => ({
      verifier: esmCore.createVerifier({
        issuers: [esmCore.oidcIssuer({ issuer: issuer.issuer, audience: issuer.audience })],
      }),
      realm: '${REALM}',
    }),
    start: ${START[adapter]},
    extra: { sameErrorClass: esmCore.TokengateError === cjsCore.TokengateError },
  });
})()${MAIN_TAIL}`;
}

/**
 * A strictly typed app per adapter and format, only type-checked (`tsc --noEmit`): the
 * published declarations must compile under `strict`, `exactOptionalPropertyTypes` and
 * `noUncheckedIndexedAccess` in both module formats, with `req.auth` & co. augmented.
 * `GateOptions` comes from `@tokengate/core`, or from the adapter's re-export of it for an app
 * that installs the adapter alone.
 */
export function typedSource(
  adapter: Exclude<Adapter, 'express4'>,
  optionsFrom: 'core' | 'adapter' = 'core',
): string {
  const body: Record<typeof adapter, string> = {
    express: `const app = express();
const requireAuth = authenticate(options);
app.get('/admin', requireAuth, authorize(anyGroup('admin')), (req, res) => {
  const subject: string | undefined = req.auth?.subject;
  res.json({ sub: subject });
});
app.use(errorHandler());
app.listen(0);`,
    koa: `const app = new Koa();
const requireAuth = authenticate(options);
app.use(requireAuth);
app.use(authorize(anyGroup('admin')));
app.use((ctx) => {
  const subject: string | undefined = ctx.state.auth?.subject;
  ctx.body = { sub: subject };
});
app.listen(0);`,
    fastify: `const app = Fastify();
await app.register(tokengate, options);
app.get('/admin', { config: { auth: anyGroup('admin') } }, async (request) => {
  const subject: string | undefined = request.auth?.subject;
  return { sub: subject };
});
await app.listen({ port: 0 });`,
  };
  const optionsModule = optionsFrom === 'core' ? '@tokengate/core' : IMPORTS[adapter].adapter;
  return `${importLines(adapter, 'esm').replace(`import { drive } from './drive.cjs';`, '')}
import type { GateOptions } from '${optionsModule}';

export async function main(): Promise<void> {
  const issuer = await createTestIssuer({ kind: 'oidc' });
  const token: string = await issuer.accessToken({ groups: ['admin'], scopes: ['orders:read'] });
  const options: GateOptions = {
    issuers: [oidcIssuer({ issuer: issuer.issuer, audience: issuer.audience })],
    realm: '${REALM}',
  };
  ${body[adapter].split('\n').join('\n  ')}
  void token;
}
`;
}
