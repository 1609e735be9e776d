/**
 * What `work` settles to, or `ended` once `waitMs` has passed. The work is not cancelled: a
 * shared fetch outlives one request's wait and completes in the background (it has its own,
 * longer deadline), so a slow IdP is still learnt from. The timer belongs to a waiting request
 * and is cleared as soon as the work settles, so it never holds the process open for long.
 */
export function waitWithin<T, E>(work: Promise<T>, waitMs: number, ended: E): Promise<T | E> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<E>((resolve) => {
    timer = setTimeout(resolve, waitMs, ended);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
