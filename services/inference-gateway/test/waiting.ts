/** Waits until `condition` holds, checking every 10 ms; fails naming `what` after `timeoutMs`. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Whether `promise` is still unsettled after `ms`. */
export async function stillPending(promise: Promise<unknown>, ms = 150): Promise<boolean> {
  const waited = Symbol('pending');
  const first = await Promise.race([
    promise,
    new Promise((resolve) => setTimeout(() => resolve(waited), ms)),
  ]);
  return first === waited;
}
