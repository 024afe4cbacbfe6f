// The worker's checkpoint store: IndexedDB through idb-keyval, in a database of its own so that
// nothing else the page keeps there is touched. IndexedDB stores typed arrays as they are.
import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import type { CheckpointStore, StoredCheckpoint } from './checkpoints.js';

export class IndexedDbCheckpointStore implements CheckpointStore {
  readonly #store: UseStore;
  constructor(database = 'recurrent-playground', table = 'checkpoints') {
    this.#store = createStore(database, table);
  }
  get(key: string): Promise<StoredCheckpoint | undefined> {
    return get<StoredCheckpoint>(key, this.#store);
  }
  set(key: string, checkpoint: StoredCheckpoint): Promise<void> {
    return set(key, checkpoint, this.#store);
  }
  delete(key: string): Promise<void> {
    return del(key, this.#store);
  }
}
