import { PARSE_ERROR_KEY, type SourceRow, type SourceValue } from './source-rows';

/** The non-blank lines of a JSON-lines text, with their line numbers. */
export function jsonLines(text: string): { line: number; content: string }[] {
  const lines: { line: number; content: string }[] = [];
  text.split(/\r\n|\n|\r/).forEach((content, index) => {
    if (content.trim() !== '') lines.push({ line: index + 1, content });
  });
  return lines;
}

/** One JSON object a line; a line that is not one becomes a row marked with its reason. */
export function readNdjson(text: string): SourceRow[] {
  return jsonLines(text).map(({ line, content }) => ({ line, values: parseJsonObject(content) }));
}

function parseJsonObject(content: string): Record<string, SourceValue> {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (error) {
    return { [PARSE_ERROR_KEY]: `not valid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { [PARSE_ERROR_KEY]: 'each line must hold one JSON object' };
  }
  return value as Record<string, SourceValue>;
}
