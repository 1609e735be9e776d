// The conformance API on NestJS (@tokengate/nestjs), on Nest's Express or Fastify platform. The
// controller is built from the route table, so Nest's decorators are applied as functions, as
// an app without decorator syntax (plain JS) would.
import type { ServerOptions as TlsOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  Controller,
  Get,
  HttpCode,
  Module,
  Post,
  type NestApplicationOptions,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { GateOptions, VerifiedToken } from '@tokengate/core';
import { Auth, CurrentAuth, Public, TokengateModule } from '@tokengate/nestjs';
import type { ProtectedRoute, RunningApp } from './apps.js';

type HandlerBody = (path: string, auth: VerifiedToken | undefined) => object;

export async function startNestApp(
  platform: 'express' | 'fastify',
  options: GateOptions,
  routes: readonly ProtectedRoute[],
  handlerBody: HandlerBody,
  tls?: TlsOptions,
): Promise<RunningApp> {
  class ApiController {}
  const methods = ApiController.prototype as unknown as Record<string, unknown>;
  decorate(methods, 'health', () => ({ ok: true }), [Get('health'), Public()]);
  routes.forEach((route, index) => {
    const name = `route${index}`;
    const decorators: MethodDecorator[] =
      route.method === 'GET' ? [Get(route.path)] : [Post(route.path), HttpCode(200)];
    // No rule: optional authentication (the module is `optional`); `true`: any valid token.
    if (route.rule !== undefined)
      decorators.push(Auth(route.rule === true ? undefined : route.rule));
    decorate(
      methods,
      name,
      (auth: VerifiedToken | undefined) => handlerBody(route.path, auth),
      decorators,
    );
    CurrentAuth({ optional: true })(methods, name, 0);
  });
  Controller()(ApiController);

  class AppModule {}
  // Options as the other adapters get them, and the guard global: every route is guarded.
  const tokengate = TokengateModule.forRoot({ ...options, global: true });
  Module({ imports: [tokengate], controllers: [ApiController] })(AppModule);

  // `tls`: each platform's own https option (RFC 8705 tests need the TLS connection).
  const app =
    platform === 'fastify'
      ? await NestFactory.create(
          AppModule,
          new FastifyAdapter(tls === undefined ? undefined : { https: tls }),
          { logger: false },
        )
      : await NestFactory.create(AppModule, {
          logger: false,
          ...(tls === undefined
            ? {}
            : { httpsOptions: tls as NonNullable<NestApplicationOptions['httpsOptions']> }),
        });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { port, close: () => app.close() };
}

function decorate(
  target: Record<string, unknown>,
  name: string,
  handler: (...args: never[]) => unknown,
  decorators: readonly MethodDecorator[],
): void {
  target[name] = handler;
  const descriptor = Object.getOwnPropertyDescriptor(target, name);
  for (const decorator of [...decorators].reverse()) decorator(target, name, descriptor!);
}
