// The bundled datasets' index and texts, fetched once per page and shared by the views (the data
// panel shows a dataset's size from the text the training run will use anyway).
import { type BundledDataset, bundledDatasets, datasetText } from '../client.js';
import type { DataChoice } from '../protocol.js';

let index: Promise<BundledDataset[]> | undefined;
const texts = new Map<string, Promise<string>>();

/** public/data/index.json, fetched once (again after a failure). */
export function datasetIndex(): Promise<BundledDataset[]> {
  index ??= bundledDatasets().catch((error: unknown) => {
    index = undefined;
    throw error;
  });
  return index;
}

/** The text a run trains on: the dropped file's, or the bundled dataset's (fetched once). */
export async function dataText(choice: DataChoice): Promise<string> {
  if (choice.kind === 'file') return choice.text;
  let text = texts.get(choice.id);
  if (!text) {
    text = datasetIndex().then((list) => {
      const dataset = list.find((d) => d.id === choice.id);
      if (!dataset) {
        const known = list.map((d) => d.id).join(', ');
        throw new Error(`no bundled dataset "${choice.id}" in data/index.json (it has: ${known})`);
      }
      return datasetText(dataset);
    });
    texts.set(choice.id, text);
    text.catch(() => texts.delete(choice.id));
  }
  return text;
}

/** Size in bytes of a text as UTF-8 (what the file weighs on disk). */
export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}
