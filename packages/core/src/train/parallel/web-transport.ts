// A page's Web Workers as data-parallel transports (see transport.ts): the main thread's end wraps
// a Worker, the worker's end its global scope. A Web Worker has no exit event: a module that fails
// to load, or throws outside a message, fires "error" on the Worker, which ends the transport.

/** What of a Web Worker the transport uses (a DOM `Worker` has it). */
export type WebWorker = Pick<Worker, 'postMessage' | 'addEventListener' | 'terminate'>;

/** What of a worker's global scope the port uses (`self` in a module worker). */
export interface WebWorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

import type { WorkerPort, WorkerTransport } from './transport.js';

/** The main thread's end of `worker`, a module worker whose module calls serveTaskGradients. */
export function webWorker(worker: WebWorker): WorkerTransport {
  let answered = false;
  let ended = false;
  return {
    postMessage: (message, transfer = []) => worker.postMessage(message, transfer),
    listen(onMessage, onFailure) {
      const fail = (error: Error) => {
        if (ended) return;
        ended = true;
        onFailure(error);
      };
      worker.addEventListener('message', (event) => {
        answered = true;
        onMessage(event.data);
      });
      worker.addEventListener('error', (event) => {
        // A module that fails to load gives an ErrorEvent without a message in some browsers.
        const what = event.message || 'no message (the module did not load or threw at start)';
        fail(
          new Error(
            answered
              ? `gradient worker (Web Worker) failed: ${what}`
              : `gradient worker (Web Worker) failed to start: ${what}; check the URL of its module and that it calls serveTaskGradients()`,
          ),
        );
      });
      worker.addEventListener('messageerror', () =>
        fail(new Error('gradient worker (Web Worker): a message could not be deserialized')),
      );
    },
    async terminate() {
      ended = true;
      worker.terminate();
    },
  };
}

/** This Web Worker's port to the page: its global scope. */
export function webWorkerPort(scope: WebWorkerScope): WorkerPort {
  return {
    postMessage: (message, transfer = []) => scope.postMessage(message, transfer),
    onMessage: (handler) => scope.addEventListener('message', (event) => handler(event.data)),
  };
}
