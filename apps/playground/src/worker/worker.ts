// The training worker: a module worker the page starts (client.ts). It answers each WorkerRequest
// with WorkerEvents (handler.ts); requests are not queued behind each other, so "stop" and
// "cancel-try" reach a run or a generation while it is going on.
import type { WorkerEvent, WorkerRequest } from '../protocol.js';
import { Handler } from './handler.js';
import { IndexedDbCheckpointStore } from './idb-store.js';

/** The worker's global scope, as far as it is used here (the DOM lib types `self` as a window). */
interface WorkerScope {
  crossOriginIsolated?: boolean;
  postMessage(message: WorkerEvent): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerRequest>) => void): void;
}

const scope = self as unknown as WorkerScope;
const handler = new Handler({
  store: new IndexedDbCheckpointStore(),
  isolated: Boolean(scope.crossOriginIsolated),
  // A literal `new Worker(new URL(...))` so that Vite bundles gradient-worker.ts as a worker.
  spawnGradientWorker: () =>
    new Worker(new URL('./gradient-worker.ts', import.meta.url), { type: 'module' }),
});
const post = (event: WorkerEvent) => scope.postMessage(event);

scope.addEventListener('message', (event) => {
  void handler.handle(event.data, post);
});
