// @recurrent/data/node: reading data files in Node (the main entry parses text and bytes from any
// source; this adds the file system). Everything in the main entry is re-exported too.
export * from './index.js';
export { readLabelledFile } from './read-labelled-file.js';
export { readTextFile } from './read-text-file.js';
