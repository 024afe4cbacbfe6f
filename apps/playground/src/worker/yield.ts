// Letting the worker's event loop run during long work. Training and generation await only
// promises that settle as microtasks on the cpu and wasm backends, so a "stop" or "cancel-try"
// message would wait until the run ends: the handler yields a macrotask turn now and then (each
// batch or token, at most every `everyMs`), at which the message is delivered.

/**
 * One macrotask turn. A MessageChannel has no timer clamping (a nested setTimeout(0) waits 4 ms);
 * in Node, setTimeout keeps the order of the in-process worker the tests use.
 */
export function macrotask(): Promise<void> {
  if (typeof MessageChannel === 'function' && !isNode()) {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** A function that yields a turn when `everyMs` have passed since the last one, else nothing. */
export function yielder(
  now: () => number,
  everyMs = 20,
  turn = macrotask,
): () => Promise<void> | undefined {
  let last = now();
  return () => {
    if (now() - last < everyMs) return undefined;
    return turn().then(() => {
      last = now();
    });
  };
}
