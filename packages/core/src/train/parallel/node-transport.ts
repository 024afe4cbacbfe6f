// Node's worker threads as data-parallel transports (see transport.ts).
import { parentPort, Worker } from 'node:worker_threads';
import type { WorkerPort, WorkerTransport } from './transport.js';

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
