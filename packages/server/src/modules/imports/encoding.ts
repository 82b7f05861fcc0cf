import iconv from 'iconv-lite';

/**
 * UTF-8 when the bytes are valid UTF-8, else GBK: Excel on a Chinese Windows saves "CSV" in the
 * ANSI code page, which is GBK. GB18030 is the superset of GBK, so it decodes every GBK file.
 * "Unicode text" from Excel is UTF-16LE with a BOM.
 *
 * A file that is mostly UTF-8 with a few lines in GBK (a cell pasted from an old export) is UTF-8
 * with those lines read as GBK, not GBK throughout: that would garble the header and every other row.
 * A line break (0x0A) is never part of a multi-byte character in either encoding, so lines can be
 * decoded one by one.
 */
export function decodeText(file: Buffer): string {
  if (file[0] === 0xff && file[1] === 0xfe) return new TextDecoder('utf-16le').decode(file.subarray(2));
  const bytes = file[0] === 0xef && file[1] === 0xbb && file[2] === 0xbf ? file.subarray(3) : file;
  const strict = new TextDecoder('utf-8', { fatal: true });
  try {
    return strict.decode(bytes);
  } catch {
    // Not UTF-8 throughout: which do the lines with non-ASCII bytes speak, mostly?
    const lines: { bytes: Buffer; utf8: string | undefined }[] = [];
    let utf8Lines = 0;
    let otherLines = 0;
    for (let start = 0; start < bytes.length;) {
      const newline = bytes.indexOf(0x0a, start);
      const end = newline === -1 ? bytes.length : newline + 1;
      const line = bytes.subarray(start, end);
      let utf8: string | undefined;
      try { utf8 = strict.decode(line); } catch { utf8 = undefined; }
      if (utf8 === undefined) otherLines++;
      else if (line.some((b) => b >= 0x80)) utf8Lines++;
      lines.push({ bytes: line, utf8 });
      start = end;
    }
    if (utf8Lines <= otherLines) return iconv.decode(bytes, 'gb18030');
    return lines.map((l) => l.utf8 ?? iconv.decode(l.bytes, 'gb18030')).join('');
  }
}
