// Shared start-up of the NestJS bench servers (Express platform): one controller with GET /me,
// Nest's decorators applied as the functions they are (plain JavaScript has no decorator
// syntax; see examples/nestjs/app.mjs), then listen and announce like every other server.
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { announce } from './serve.mjs';

/**
 * @param {{ me: (...args: unknown[]) => unknown, imports?: unknown[], guard?: object,
 *   decorateMe?: (prototype: object) => void }} options `me` answers the route; `decorateMe`
 *   adds parameter decorators to it; `guard` becomes a global guard.
 */
export async function serveNest({ me, imports = [], guard, decorateMe }) {
  class MeController {}
  MeController.prototype.me = me;
  decorateMe?.(MeController.prototype);
  const descriptor = Object.getOwnPropertyDescriptor(MeController.prototype, 'me');
  Get('me')(MeController.prototype, 'me', descriptor);
  Controller()(MeController);

  class AppModule {}
  Module({ imports, controllers: [MeController] })(AppModule);
  // Nest's start-up log would go to stdout, where the suite reads the port.
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  if (guard !== undefined) app.useGlobalGuards(guard);
  await app.listen(0, '127.0.0.1');
  announce(app.getHttpServer());
}
