// The example API: the same rules and handlers behind every framework.
import { allScopes, anyGroup, authenticatedWithin } from '@tokengate/core';

/** GET /admin: members of the `admin` group (Cognito `cognito:groups`, else `groups`). */
export const ADMIN = anyGroup('admin');
/**
 * GET /account: a sign-in (`auth_time`) within the last five minutes. Otherwise 401
 * `insufficient_user_authentication` with `max_age="300"` (RFC 9470 §3): sign in again.
 */
export const RECENT_SIGN_IN = authenticatedWithin(300);
/** GET /orders */
export const READ_ORDERS = allScopes('orders:read');
/** POST /orders */
export const WRITE_ORDERS = allScopes('orders:write');

const orders = [{ id: 'order-1', item: 'coffee beans', quantity: 2 }];

export function profileOf(auth) {
  return {
    sub: auth.subject ?? null,
    clientId: auth.clientId ?? null,
    tokenUse: auth.tokenUse,
    scopes: auth.scopes,
    groups: auth.groups,
  };
}

export function listOrders() {
  return { orders };
}

export function createOrder(auth) {
  const order = {
    id: `order-${orders.length + 1}`,
    item: 'example item',
    quantity: 1,
    createdBy: auth.subject ?? null,
  };
  // Bounded, so a demo left running cannot grow without end.
  if (orders.length < 100) orders.push(order);
  return { order };
}
