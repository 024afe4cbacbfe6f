// How the main thread talks to a worker thread, kept to what Node's worker_threads and the
// browser's Web Workers both have (postMessage, a message handler, an error/exit handler,
// terminate), so the data-parallel code is the same on both: only these few lines differ.
import { parentPort, Worker } from 'node:worker_threads';

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

/** A Node worker thread running `script`. */
export function nodeWorker(script: URL): WorkerTransport {
  const worker = new Worker(script);
  let exited = false;
  return {
    postMessage: (message, transfer = []) => worker.postMessage(message, transfer),
    listen(onMessage, onFailure) {
      worker.on('message', onMessage);
      worker.on('error', (e) => onFailure(new Error(`gradient worker crashed: ${e.message}`)));
      worker.on('exit', (code) => {
        exited = true;
        onFailure(new Error(`gradient worker exited (code ${code})`));
      });
    },
    async terminate() {
      worker.removeAllListeners('exit');
      worker.removeAllListeners('error');
      if (!exited) await worker.terminate();
    },
  };
}

/** This Node worker thread's port to the main thread. */
export function nodeParentPort(): WorkerPort {
  const port = parentPort;
  if (!port) throw new Error('serveGradients runs in a worker thread (node:worker_threads)');
  return {
    postMessage: (message, transfer = []) => port.postMessage(message, transfer),
    onMessage: (handler) => port.on('message', handler),
  };
}
