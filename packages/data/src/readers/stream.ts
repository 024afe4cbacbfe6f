// Lines of a byte stream (a file, a fetch body) without holding the whole file: decoded as UTF-8
// chunk by chunk, invalid bytes reported with their line, line endings LF or CRLF. Web streams, so
// the same code reads a Node file (Readable.toWeb / fs.openAsBlob().stream()) and a browser fetch.
import { DataError } from '../errors.js';

export async function* streamLines(
  stream: ReadableStream<Uint8Array>,
  source: string,
): AsyncGenerator<{ line: number; text: string }> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const reader = stream.getReader();
  let pending = '';
  let line = 1;
  let first = true;
  const decode = (bytes?: Uint8Array) => {
    try {
      return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
    } catch {
      // Where the bad byte is: the first replacement character of a lenient decode of the chunk.
      const loose = bytes ? new TextDecoder().decode(bytes) : '';
      const before = pending + loose.slice(0, Math.max(0, loose.indexOf('\ufffd')));
      throw new DataError(
        source,
        line + (before.match(/\n/g)?.length ?? 0),
        'invalid UTF-8; save the file as UTF-8',
      );
    }
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      pending += done ? decode() : decode(value);
      if (first && pending.length > 0) {
        if (pending.charCodeAt(0) === 0xfeff) pending = pending.slice(1); // byte-order mark
        first = false;
      }
      let cut = pending.indexOf('\n');
      while (cut >= 0) {
        const text = pending.slice(0, cut);
        yield { line, text: text.endsWith('\r') ? text.slice(0, -1) : text };
        line++;
        pending = pending.slice(cut + 1);
        cut = pending.indexOf('\n');
      }
      if (done) break;
    }
    if (pending.length > 0)
      yield { line, text: pending.endsWith('\r') ? pending.slice(0, -1) : pending };
  } finally {
    reader.releaseLock();
  }
}
