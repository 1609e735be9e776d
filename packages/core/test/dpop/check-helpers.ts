import { isTokengateError, type TokengateError } from '@tokengate/core';
import { expect } from 'vitest';

/**
 * Runs a check that must fail, synchronously or as a rejection, and returns its error, which
 * must be a TokengateError (never a crash).
 */
export async function failure(run: () => unknown): Promise<TokengateError> {
  let error: unknown;
  try {
    await run();
  } catch (caught) {
    error = caught;
  }
  expect(error, 'expected the check to fail').toBeDefined();
  expect(isTokengateError(error), String(error)).toBe(true);
  return error as TokengateError;
}

/** The code a failing check gave. */
export async function codeOf(run: () => unknown): Promise<string> {
  return (await failure(run)).code;
}
