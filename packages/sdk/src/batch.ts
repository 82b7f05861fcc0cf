/** What fits in one request: the server's byte limit counts UTF-8 bytes of the JSON body. */

/** UTF-8 length of a string without needing TextEncoder. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code < 0xdc00) {
      bytes += 4; // surrogate pair: one 4-byte character
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * The longest prefix of `queue` that fits in one request. `oversized` is set when the first
 * message alone does not fit: it can never be sent and has to be dropped.
 */
export function takeBatch<T>(queue: readonly T[], maxEvents: number, maxBytes: number, envelopeBytes: number): { batch: T[]; oversized?: T } {
  const batch: T[] = [];
  let bytes = envelopeBytes;
  for (const message of queue) {
    if (batch.length >= maxEvents) break;
    const size = utf8Length(JSON.stringify(message)) + (batch.length > 0 ? 1 : 0); // +1 for the comma
    if (bytes + size >= maxBytes) {
      if (batch.length === 0) return { batch, oversized: message };
      break;
    }
    batch.push(message);
    bytes += size;
  }
  return { batch };
}
