/**
 * How many bytes a ZIP file (an XLSX is one) expands to, counted by inflating every entry with a
 * ceiling, not by trusting the sizes its directory declares: a zip bomb that lies about them is
 * stopped at the ceiling, before anything holds the expanded bytes.
 */
import zlib from 'node:zlib';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** Throws when `file` expands to more than `maxBytes`, or is not a ZIP this can read. */
export function assertUnzippedAtMost(file: Buffer, maxBytes: number, tooLarge: () => Error): void {
  const end = findEndOfDirectory(file);
  const entries = file.readUInt16LE(end + 10);
  let at = file.readUInt32LE(end + 16);
  let budget = maxBytes;
  for (let i = 0; i < entries; i++) {
    if (at + 46 > file.length || file.readUInt32LE(at) !== CENTRAL) throw new Error('the ZIP directory is damaged');
    const method = file.readUInt16LE(at + 10);
    const compressed = file.readUInt32LE(at + 20);
    const local = file.readUInt32LE(at + 42);
    if (compressed === 0xffffffff || local === 0xffffffff) throw tooLarge(); // ZIP64: over 4 GB
    at += 46 + file.readUInt16LE(at + 28) + file.readUInt16LE(at + 30) + file.readUInt16LE(at + 32);
    if (local + 30 > file.length || file.readUInt32LE(local) !== LOCAL) throw new Error('a ZIP entry is damaged');
    const start = local + 30 + file.readUInt16LE(local + 26) + file.readUInt16LE(local + 28);
    const data = file.subarray(start, start + compressed);
    let size: number;
    if (method === 0) size = data.length;
    else if (method === 8) {
      try {
        size = zlib.inflateRawSync(data, { maxOutputLength: budget + 1 }).length;
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
        throw new Error(`a ZIP entry cannot be inflated: ${(error as Error).message}`);
      }
    } else throw new Error(`a ZIP entry uses compression method ${method}, which Excel does not write`);
    budget -= size;
    if (budget < 0) throw tooLarge();
  }
}

function findEndOfDirectory(file: Buffer): number {
  // The end record is 22 bytes plus a comment of at most 65,535.
  for (let at = file.length - 22; at >= Math.max(0, file.length - 22 - 65_535); at--) {
    if (file.readUInt32LE(at) === EOCD) return at;
  }
  throw new Error('it is not a ZIP file (an .xlsx is one)');
}
