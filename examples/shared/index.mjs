export { loadConfig } from './config.mjs';
export {
  ADMIN,
  READ_ORDERS,
  RECENT_SIGN_IN,
  WRITE_ORDERS,
  profileOf,
  listOrders,
  createOrder,
} from './api.mjs';
export { printBanner } from './banner.mjs';
export { runExample, nodeServer } from './run-example.mjs';
