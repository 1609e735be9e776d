import {
  Inject,
  Module,
  type DynamicModule,
  type FactoryProvider,
  type MiddlewareConsumer,
  type ModuleMetadata,
  type NestModule,
  type OnModuleDestroy,
  type Provider,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { assertKnownKeys, createGate, type Gate, type GateOptions } from '@tokengate/core';
import { resourceMetadataMiddleware } from './resource-metadata-middleware.js';
import { TOKENGATE_GATE } from './tokengate-gate.js';
import { TokengateGuard } from './tokengate-guard.js';

/**
 * Options of {@link TokengateModule.forRoot}: the core's {@link GateOptions} (issuers,
 * verifier, realm, optional mode, token sources…) and whether the guard is global. Checked once,
 * by `forRoot()` itself, with `TypeError`.
 *
 * @example
 * ```ts
 * const options: TokengateModuleOptions = {
 *   issuers: [cognitoIssuer({ userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789' })],
 *   global: true,
 * };
 * TokengateModule.forRoot(options);
 * ```
 */
export type TokengateModuleOptions = GateOptions & {
  /**
   * Register `TokengateGuard` as a global guard (`APP_GUARD`): every route then needs a valid
   * token unless it is `@Public()`. Default `false`: put `@UseGuards(TokengateGuard)` on the
   * controllers to protect.
   */
  readonly global?: boolean;
};

/**
 * Options of {@link TokengateModule.forRootAsync}: the gate options come from a factory that
 * Nest calls with other providers, e.g. `ConfigService`.
 *
 * @example
 * ```ts
 * const options: TokengateModuleAsyncOptions = {
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({
 *     issuers: [oidcIssuer({ issuer: config.getOrThrow('ISSUER'), audience: config.getOrThrow('AUDIENCE') })],
 *   }),
 * };
 * ```
 */
export interface TokengateModuleAsyncOptions {
  /** Modules whose providers `useFactory` injects (e.g. `ConfigModule`). */
  readonly imports?: ModuleMetadata['imports'];
  /** The providers handed to `useFactory`, in order (e.g. `[ConfigService]`). */
  readonly inject?: FactoryProvider['inject'];
  /** Resolves to the core's `GateOptions` (issuers, realm, `optional`, …). */
  // Nest's own factory type: the arguments are whatever `inject` names.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly useFactory: (...args: any[]) => GateOptions | Promise<GateOptions>;
  /** As in `forRoot()`: `TokengateGuard` as `APP_GUARD`. */
  readonly global?: boolean;
}

const FOR_ROOT = '@tokengate/nestjs TokengateModule.forRoot()';
const FOR_ROOT_ASYNC = '@tokengate/nestjs TokengateModule.forRootAsync()';
const ASYNC_KEYS = new Set(['imports', 'inject', 'useFactory', 'global']);

/**
 * The Nest module: one core gate (and its verifier and JWKS cache) per application; it provides
 * `TokengateGuard` and the gate (`TOKENGATE_GATE`) to every module (it is a global module), and
 * closes the verifier it built when the application closes (`app.close()`;
 * `enableShutdownHooks()` for signals). `forRoot()` validates its options when
 * called (a mistake is a `TypeError` there); `forRootAsync()` validates its own at once and the
 * factory's result at start-up, with the same messages.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [TokengateModule.forRoot({ issuers: [cognitoIssuer({ userPoolId, clientId })], global: true })],
 *   controllers: [OrdersController],
 * })
 * class AppModule {}
 * ```
 */
export class TokengateModule implements OnModuleDestroy, NestModule {
  readonly #gate: Gate;

  constructor(gate: Gate) {
    this.#gate = gate;
  }

  /** Graceful shutdown: JWKS refresh timers and fetches in flight (see `Gate.close`). */
  onModuleDestroy(): Promise<void> {
    return this.#gate.close();
  }

  /**
   * With `resourceMetadata` on, serves the RFC 9728 document through a middleware on every
   * route: middleware runs before guards (so it never needs a token, `APP_GUARD` or not), on
   * Express and Fastify alike, and the gate decides which targets it answers.
   */
  configure(consumer: MiddlewareConsumer): void {
    const path = this.#gate.resourceMetadataPath;
    if (path === undefined) return;
    consumer.apply(resourceMetadataMiddleware(this.#gate, path)).forRoutes('{*path}');
  }

  /**
   * Options known up front, validated here (a mistake is a `TypeError` from `forRoot()` itself)
   * and copied: changing the object afterwards changes nothing.
   */
  static forRoot(options: TokengateModuleOptions): DynamicModule {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`${FOR_ROOT}: options must be an object`);
    }
    const global = globalFlag(options.global, FOR_ROOT);
    // A shallow copy: what a caller reassigns on `options` later is not seen. Inherited options
    // too (`for…in`, as the core reads them), so a copy never drops what the original would
    // have configured. createGate validates the rest when it builds, here and now.
    const snapshot = {} as Record<string, unknown>;
    for (const key in options) {
      Object.defineProperty(snapshot, key, {
        value: (options as Record<string, unknown>)[key],
        enumerable: true,
      });
    }
    // `global` is this module's option, not the gate's: named so createGate accepts it.
    const build = (): Gate =>
      createGate(snapshot as TokengateModuleOptions, { name: FOR_ROOT, keys: ['global'] });
    // Built now, to validate now; it holds nothing until its first request (no timers, no
    // fetches), so a forRoot() that never boots leaks nothing. The first application to boot
    // takes it; each later one (an e2e suite booting the same AppModule again after closing
    // the first) gets its own, since closing an application closes its gate.
    let prebuilt: Gate | undefined = build();
    const gate: Provider = {
      provide: TOKENGATE_GATE,
      useFactory: () => {
        const built = prebuilt ?? build();
        prebuilt = undefined;
        return built;
      },
    };
    return dynamicModule(gate, global);
  }

  /**
   * Options from other providers, e.g. `ConfigService`.
   *
   * @example
   * ```ts
   * TokengateModule.forRootAsync({
   *   imports: [ConfigModule],
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => ({
   *     issuers: [cognitoIssuer({ userPoolId: config.getOrThrow('USER_POOL_ID'), clientId: config.getOrThrow('CLIENT_ID') })],
   *   }),
   *   global: true,
   * })
   * ```
   */
  static forRootAsync(options: TokengateModuleAsyncOptions): DynamicModule {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`${FOR_ROOT_ASYNC}: options must be an object`);
    }
    assertKnownKeys(options, ASYNC_KEYS, FOR_ROOT_ASYNC);
    if (typeof options.useFactory !== 'function') {
      throw new TypeError(`${FOR_ROOT_ASYNC}: useFactory must be a function`);
    }
    for (const key of ['imports', 'inject'] as const) {
      if (options[key] !== undefined && !Array.isArray(options[key])) {
        throw new TypeError(`${FOR_ROOT_ASYNC}: ${key} must be an array`);
      }
    }
    const global = globalFlag(options.global, FOR_ROOT_ASYNC);
    const { useFactory } = options;
    const gate: Provider = {
      provide: TOKENGATE_GATE,
      inject: options.inject ?? [],
      useFactory: async (...args: unknown[]) => gateFromFactory(await useFactory(...args)),
    };
    return { ...dynamicModule(gate, global), imports: options.imports ?? [] };
  }
}

/**
 * The gate from what `useFactory` resolved to: the same checks and `TypeError`s as `forRoot()`,
 * named after `forRootAsync()`, at start-up since the factory cannot run earlier.
 */
function gateFromFactory(options: unknown): Gate {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${FOR_ROOT_ASYNC}: useFactory must resolve to the gate options object`);
  }
  if ('global' in options) {
    throw new TypeError(
      `${FOR_ROOT_ASYNC}: unknown option "global" in what useFactory resolved to; pass global to forRootAsync() itself`,
    );
  }
  return createGate({ ...(options as GateOptions) }, { name: FOR_ROOT_ASYNC });
}

function globalFlag(value: unknown, where: string): boolean {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new TypeError(`${where}: global must be a boolean`);
  }
  return value === true;
}

function dynamicModule(gate: Provider, global: boolean): DynamicModule {
  return {
    module: TokengateModule,
    // Global, so `@UseGuards(TokengateGuard)` resolves the gate in any module of the app.
    global: true,
    providers: [
      gate,
      TokengateGuard,
      ...(global ? [{ provide: APP_GUARD, useExisting: TokengateGuard }] : []),
    ],
    exports: [TOKENGATE_GATE, TokengateGuard],
  };
}

// Applied as functions, as in tokengate-guard.ts.
Module({})(TokengateModule);
Inject(TOKENGATE_GATE)(TokengateModule, undefined, 0);
