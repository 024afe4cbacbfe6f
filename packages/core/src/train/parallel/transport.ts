// How the main thread talks to a worker thread, kept to what Node's worker_threads and the
// browser's Web Workers both have (postMessage, a message handler, an error/exit handler,
// terminate), so the data-parallel code is the same on both. Node's are in node-transport.ts,
// imported (dynamically) only when no other is given.

/** The main thread's end of one worker. */
export interface WorkerTransport {
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  /** `onMessage` for each message; `onFailure` once if the worker dies (crash or exit). */
  listen(onMessage: (message: unknown) => void, onFailure: (error: Error) => void): void;
  terminate(): Promise<void>;
}

/** The worker's end: messages from and to the main thread. */
export interface WorkerPort {
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  onMessage(handler: (message: unknown) => void): void;
}
