// Placeholder until the Node entry (CSV series readers) lands: the browser-safe entry as is.
export * from './index.js';
