/**
 * `answer`, or a rejection once `timeoutMs` has passed: whatever the request path awaits from
 * the app (an issuer resolver, a revocation store) or from the runtime (libuv's thread pool)
 * must answer within a deadline, never hold the request. A synchronous answer needs no timer;
 * any thenable (not only a native Promise) gets one.
 */
export function withinDeadline<T>(
  answer: T | PromiseLike<T>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  if (typeof (answer as PromiseLike<T> | undefined)?.then !== 'function') {
    return Promise.resolve(answer);
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  return Promise.race([answer, deadline]).finally(() => clearTimeout(timer));
}
