/**
 * `@tokengate/nestjs` declares `@nestjs/common` and `@nestjs/core` `^11 || ^12` as peers; the
 * workspace builds and tests it on 12. Here both majors are installed as a user gets them: the
 * packed tarballs of core, testing and the NestJS module with `npm install` into one fresh app
 * per major, next to that major's Nest (Express platform), and a global guard with `@Auth(rule)`
 * and `@Public()` must give the same answers as every other adapter.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packPackage, publishablePackages } from '../support/pack.js';
import { expectProtected, npmInstall, runApp } from './app-checks.js';
import { DRIVER_SOURCE, REALM } from './tarball-apps.js';

const SETUP_TIMEOUT_MS = 300_000;
const MAJORS = [11, 12] as const;
const PACKAGES = new Set(['@tokengate/core', '@tokengate/nestjs', '@tokengate/testing']);

/**
 * The app, with Nest's decorators applied as the functions they are (no compiler in between):
 * `/admin` needs the `admin` group, `/health` is public, and the guard is global. It reports
 * Nest's own version so a test can tell which major actually ran.
 */
const APP_SOURCE = `import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Auth, CurrentAuth, Public, TokengateModule, anyGroup, oidcIssuer } from '@tokengate/nestjs';
import { createTestIssuer } from '@tokengate/testing';
import { createRequire } from 'node:module';
import { drive } from './drive.cjs';

class ApiController {
  admin(auth) {
    return { sub: auth.subject };
  }
  health() {
    return { status: 'ok' };
  }
}
const decorate = (name, ...decorators) => {
  const descriptor = Object.getOwnPropertyDescriptor(ApiController.prototype, name);
  for (const decorator of decorators.reverse()) decorator(ApiController.prototype, name, descriptor);
};
decorate('admin', Get('admin'), Auth(anyGroup('admin')));
decorate('health', Get('health'), Public());
CurrentAuth()(ApiController.prototype, 'admin', 0);
Controller()(ApiController);

const nestVersion = createRequire(import.meta.url)('@nestjs/core/package.json').version;
let publicStatus;

await drive({
  createTestIssuer,
  makeOptions: (issuer) => ({
    issuers: [oidcIssuer({ issuer: issuer.issuer, audience: issuer.audience })],
    realm: '${REALM}',
  }),
  start: async (options) => {
    class AppModule {}
    Module({
      imports: [TokengateModule.forRoot({ ...options, global: true })],
      controllers: [ApiController],
    })(AppModule);
    const app = await NestFactory.create(AppModule, { logger: ['error'] });
    await app.listen(0, '127.0.0.1');
    const port = app.getHttpServer().address().port;
    const health = await fetch('http://127.0.0.1:' + port + '/health');
    publicStatus = health.status;
    return { port, close: () => app.close() };
  },
  // Read when the report is built, after \`start\` asked the public route.
  extra: {
    nestVersion,
    get publicStatus() {
      return publicStatus;
    },
  },
});
`;

interface NestReport {
  readonly nestVersion: string;
  readonly publicStatus: number;
}

let workDir = '';
const tarballs: string[] = [];

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'tokengate-nestjs-majors-'));
  const tarballDir = join(workDir, 'tarballs');
  await mkdir(tarballDir);
  for (const pkg of publishablePackages()) {
    if (PACKAGES.has(pkg.name)) tarballs.push(await packPackage(pkg, tarballDir));
  }
  expect(tarballs).toHaveLength(PACKAGES.size);
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  if (workDir !== '') await rm(workDir, { recursive: true, force: true });
});

describe.each(MAJORS)('NestJS %i, installed from the tarballs', (major) => {
  let appDir = '';

  beforeAll(async () => {
    appDir = join(workDir, `nest-${major}`);
    await mkdir(appDir);
    await writeFile(
      join(appDir, 'package.json'),
      JSON.stringify({ name: `tokengate-nest-${major}`, private: true, version: '0.0.0' }),
    );
    await npmInstall(appDir, [
      ...tarballs,
      `@nestjs/common@${major}`,
      `@nestjs/core@${major}`,
      `@nestjs/platform-express@${major}`,
      'reflect-metadata@0.2',
      'rxjs@7',
    ]);
    await writeFile(join(appDir, 'drive.cjs'), DRIVER_SOURCE);
    await writeFile(join(appDir, 'app.mjs'), APP_SOURCE);
  }, SETUP_TIMEOUT_MS);

  it('protects a route with a global guard and leaves @Public() open', async () => {
    const report = await runApp(appDir, 'app.mjs');
    expect((report as unknown as NestReport).nestVersion).toMatch(new RegExp(`^${major}\\.`));
    expect((report as unknown as NestReport).publicStatus).toBe(200);
    expectProtected(report);
  });
});
