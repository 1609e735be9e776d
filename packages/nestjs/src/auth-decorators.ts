import { and, toRule, type Rule } from '@tokengate/core';
import { POLICY } from './tokens.js';

/**
 * What `@Auth()` or `@Public()` declared on a controller or a handler, as the guard reads it
 * through Nest's `Reflector`.
 *
 * @example
 * ```ts
 * const policy: RoutePolicy = { public: false, rule: anyGroup('admin') }; // what @Auth(anyGroup('admin')) stores
 * ```
 */
export type RoutePolicy =
  | {
      /** `@Public()`: no token needed, the request is not read. */
      readonly public: true;
    }
  | {
      /** `@Auth()`: a valid token is needed, even in an `optional` module. */
      readonly public: false;
      /** The rule the token must satisfy; `undefined` for any valid token. */
      readonly rule: Rule | undefined;
    };

/**
 * A decorator for a controller class or one of its route handlers (Nest's `applyDecorators` type).
 *
 * @example
 * ```ts
 * const AdminOnly: ClassOrMethodDecorator = Auth(anyGroup('admin'));
 * @Controller('admin')
 * @AdminOnly
 * class AdminController {}
 * ```
 */
export type ClassOrMethodDecorator = <TFunction extends object, Y>(
  target: TFunction | object,
  propertyKey?: string | symbol,
  descriptor?: TypedPropertyDescriptor<Y>,
) => void;

const PUBLIC: RoutePolicy = Object.freeze({ public: true });

/**
 * Requires a valid bearer token on a route (on a handler) or on every route of a controller (on
 * the class), and, with a rule, that the rule accepts it: 401 without a token, even when the
 * module is `optional`; 403 when the rule refuses it. The rule is checked here, when the class
 * is declared: a malformed one is a `TypeError` at start-up, not a hole at request time.
 *
 * `@Auth()` on a controller and on one of its handlers both apply (the token must satisfy
 * both rules); so do two `@Auth()` on the same target. It is an error to combine `@Auth()`
 * and `@Public()` on one target; `@Public()` on a handler does open it in an `@Auth()`
 * controller. `TokengateGuard` enforces it: globally (`forRoot({ global: true })`) or through
 * `@UseGuards(TokengateGuard)`.
 *
 * @example
 * ```ts
 * @Controller('orders')
 * @UseGuards(TokengateGuard)
 * class OrdersController {
 *   @Get() @Auth(allScopes('orders:read')) list() { … }
 *   @Post() @Auth(allScopes('orders:write')) create(@CurrentAuth() auth: VerifiedToken) { … }
 * }
 * ```
 */
export function Auth(rule?: Rule): ClassOrMethodDecorator {
  // Checked once, here; only the frozen result is used, so a later mutation changes nothing.
  const checked = toRule(rule, '@Auth()');
  return function tokengateAuth(target, propertyKey, descriptor) {
    const holder = holderOf('@Auth()', target, propertyKey, descriptor);
    const existing = ownPolicy(holder);
    if (existing?.public === true) throw conflict();
    let combined = checked;
    if (existing !== undefined && existing.rule !== undefined) {
      combined = checked === undefined ? existing.rule : and(existing.rule, checked);
    }
    Reflect.defineMetadata(POLICY, Object.freeze({ public: false, rule: combined }), holder);
  };
}

/**
 * Lets a route (on a handler) or every route of a controller (on the class) through without a
 * token: the guard does not read the request at all, so a malformed `Authorization` header is
 * ignored there too. With the guard global, every route that is not `@Public()` needs a valid
 * token (fail closed).
 *
 * @example
 * ```ts
 * @Get('health') @Public() health() { return { status: 'ok' }; }
 * ```
 */
export function Public(): ClassOrMethodDecorator {
  return function tokengatePublic(target, propertyKey, descriptor) {
    const holder = holderOf('@Public()', target, propertyKey, descriptor);
    if (ownPolicy(holder)?.public === false) throw conflict();
    Reflect.defineMetadata(POLICY, PUBLIC, holder);
  };
}

/** Where Nest keeps a decorator's metadata: on the class, or on the handler function. */
function holderOf(
  name: string,
  target: object,
  propertyKey: string | symbol | undefined,
  descriptor: { readonly value?: unknown } | undefined,
): object {
  if (propertyKey === undefined) {
    if (typeof target !== 'function')
      throw new TypeError(`${name} must decorate a class or a method`);
    return target;
  }
  const handler = descriptor?.value;
  if (typeof handler !== 'function')
    throw new TypeError(`${name} must decorate a class or a method`);
  return handler;
}

function ownPolicy(holder: object): RoutePolicy | undefined {
  return Reflect.getOwnMetadata(POLICY, holder) as RoutePolicy | undefined;
}

function conflict(): TypeError {
  return new TypeError('@Auth() and @Public() cannot decorate the same class or method');
}
