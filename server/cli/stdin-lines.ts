import type { Readable } from 'node:stream';

/**
 * Calls `onLine` once per input line, in order: lines end at "\n" (a trailing "\r" is kept for
 * the verifier to trim, as a scanner's CR is), the last line counts even without a newline,
 * and a final newline does not make an extra empty line. A line longer than `maxChars` is not
 * buffered whole: its first `maxChars` characters stand for it (enough to be judged too long).
 */
export async function forEachLine(input: Readable, maxChars: number, onLine: (line: string) => Promise<void> | void): Promise<void> {
  input.setEncoding('utf8');
  let buf = '';
  let pending = false; // characters seen since the last newline
  for await (const chunk of input as AsyncIterable<string>) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', start);
      if (nl === -1) {
        if (buf.length < maxChars) buf += chunk.slice(start, start + (maxChars - buf.length));
        pending = pending || start < chunk.length;
        break;
      }
      if (buf.length < maxChars) buf += chunk.slice(start, Math.min(nl, start + (maxChars - buf.length)));
      await onLine(buf);
      buf = '';
      pending = false;
      start = nl + 1;
    }
  }
  if (pending) await onLine(buf);
}
