/**
 * Hands an event to an app's listener (`onEvent`). A listener's failure must never change an
 * outcome: a throw is dropped, and so is an async listener's rejection, which left unhandled
 * would end a Node process (`--unhandled-rejections=throw`, the default since Node 15).
 */
export function notifyListener<E>(listener: ((event: E) => unknown) | undefined, event: E): void {
  if (listener === undefined) return;
  try {
    const returned = listener(event);
    if (isThenable(returned)) returned.then(undefined, ignore);
  } catch {
    // Dropped: see above.
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function ignore(): void {}
