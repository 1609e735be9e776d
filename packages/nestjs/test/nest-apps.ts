// Test apps: Nest applications on the Express or Fastify platform, listening on 127.0.0.1.
import type { AddressInfo } from 'node:net';
import { Controller, Get, type INestApplication, type ModuleMetadata } from '@nestjs/common';
import { CurrentAuth, type VerifiedToken } from '../src/index.js';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';

/** `GET /me`: the verified token's subject, for tests of how the module is set up. */
@Controller()
export class MeController {
  @Get('me')
  me(@CurrentAuth() auth: VerifiedToken) {
    return { sub: auth.subject };
  }
}

export type Platform = 'express' | 'fastify';
export const PLATFORMS: readonly Platform[] = ['express', 'fastify'];

export interface RunningNestApp {
  readonly app: INestApplication;
  readonly url: string;
  close(): Promise<void>;
}

export async function startNestApp(
  platform: Platform,
  metadata: ModuleMetadata,
  configure?: (app: INestApplication) => void,
): Promise<RunningNestApp> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app =
    platform === 'fastify'
      ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false })
      : moduleRef.createNestApplication({ logger: false });
  configure?.(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

export interface Answer {
  readonly status: number;
  readonly challenge: string | null;
  readonly body: unknown;
  readonly headers: Headers;
}

export async function call(
  base: RunningNestApp,
  path: string,
  init: { token?: string; method?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  const response = await fetch(`${base.url}${path}`, {
    method: init.method ?? 'GET',
    headers,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate'),
    body: text === '' ? null : (JSON.parse(text) as unknown),
    headers: response.headers,
  };
}
