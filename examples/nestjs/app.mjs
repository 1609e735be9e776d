import { Controller, Get, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ADMIN,
  READ_ORDERS,
  RECENT_SIGN_IN,
  WRITE_ORDERS,
  createOrder,
  listOrders,
  profileOf,
} from '@tokengate/example-shared';
import { Auth, CurrentAuth, Public, TokengateModule } from '@tokengate/nestjs';

// Plain JavaScript cannot use decorator syntax, so Nest's decorators are applied as the
// functions they are; in TypeScript this is `@Get('me') me(@CurrentAuth() auth) { … }`.
class ApiController {
  health() {
    return { status: 'ok' };
  }

  me(auth) {
    return profileOf(auth);
  }

  admin(auth) {
    return { admin: true, sub: auth.subject ?? null };
  }

  account(auth) {
    return profileOf(auth);
  }

  listOrders() {
    return listOrders();
  }

  createOrder(auth) {
    return createOrder(auth);
  }
}

route('health', Get('health'), Public());
route('me', Get('me'));
route('admin', Get('admin'), Auth(ADMIN));
route('account', Get('account'), Auth(RECENT_SIGN_IN));
route('listOrders', Get('orders'), Auth(READ_ORDERS));
// 201 is Nest's default for POST; said here because it is the API's contract.
route('createOrder', Post('orders'), HttpCode(201), Auth(WRITE_ORDERS));
for (const name of ['me', 'admin', 'account', 'createOrder'])
  CurrentAuth()(ApiController.prototype, name, 0);
Controller()(ApiController);

/** Applies method decorators as `@a @b method()` would: the one nearest the method first. */
function route(name, ...decorators) {
  const descriptor = Object.getOwnPropertyDescriptor(ApiController.prototype, name);
  for (const decorator of decorators.reverse())
    decorator(ApiController.prototype, name, descriptor);
}

/**
 * The example API on NestJS (Express platform): the module builds the gate once, its guard is
 * global (every route needs a token unless `@Public()`), each route's rule is an `@Auth()`.
 */
export async function buildApp(gateOptions) {
  class AppModule {}
  Module({
    imports: [TokengateModule.forRoot({ ...gateOptions, global: true })],
    controllers: [ApiController],
  })(AppModule);
  // Nest's start-up log would bury the banner; errors and warnings still show.
  return NestFactory.create(AppModule, { logger: ['error', 'warn'] });
}
