/** Splits a byte stream into text lines (UTF-8 safe across chunk boundaries), bounding a line that never ends. */
import { StringDecoder } from 'node:string_decoder';

/** Feeds chunks in, gets complete lines out; `end()` returns the unterminated remainder, if any. */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  /** @param maxLineLength a line longer than this (in UTF-16 units) is cut, so memory stays bounded. */
  constructor(private readonly maxLineLength: number) {}

  /** The complete lines in this chunk, without their `\n` (and a trailing `\r` removed). */
  write(chunk: Buffer | string): string[] {
    const text = this.partial + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    while (this.partial.length > this.maxLineLength) {
      lines.push(this.partial.slice(0, this.maxLineLength));
      this.partial = this.partial.slice(this.maxLineLength);
    }
    return lines.map(stripCarriageReturn);
  }

  /** The last line if the stream did not end with a newline. */
  end(): string | undefined {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    return rest === '' ? undefined : stripCarriageReturn(rest);
  }
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
