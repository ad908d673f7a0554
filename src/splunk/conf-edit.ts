/**
 * Reads and edits one setting of one stanza in a .conf file's text, leaving every other line
 * (other stanzas, other keys, comments, blank lines, line endings) byte for byte as it was.
 *
 * Conf syntax used: `[stanza]` headers, `key = value` lines, a value continued onto the next line
 * by a trailing backslash, `#` comments. Splunk merges stanzas of the same name with the later
 * one winning, so the last `[stanza]` of that name is the one edited.
 */

interface Lines {
  lines: string[];
  eol: string;
  /** Whether the text ended with a line break (then `lines` ends with ""). */
  endsWithEol: boolean;
}

function splitLines(text: string): Lines {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  const endsWithEol = text === "" || /\n$/.test(text);
  if (endsWithEol) lines.pop();
  return { lines, eol, endsWithEol };
}

function joinLines({ lines, eol, endsWithEol }: Lines): string {
  if (lines.length === 0) return "";
  return lines.join(eol) + (endsWithEol ? eol : "");
}

const HEADER = /^\s*\[(.*)\]\s*$/;

function isComment(line: string): boolean {
  return /^\s*#/.test(line);
}

/** [start, end) line ranges of every stanza with this name, in file order. */
function stanzaRanges(lines: string[], stanza: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i < lines.length; i++) {
    const header = isComment(lines[i]) ? null : HEADER.exec(lines[i]);
    if (!header || header[1] !== stanza) continue;
    let end = i + 1;
    while (end < lines.length && (isComment(lines[end]) || !HEADER.test(lines[end]))) end++;
    ranges.push([i, end]);
  }
  return ranges;
}

/** Every line of the key inside [start, end), with how many lines its value spans, in order. */
function keyLines(lines: string[], [start, end]: [number, number], key: string): Array<{ at: number; span: number }> {
  const keyLine = new RegExp(`^\\s*${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*=`);
  const found: Array<{ at: number; span: number }> = [];
  for (let i = start + 1; i < end; i++) {
    if (isComment(lines[i])) continue;
    let span = 1;
    while (i + span - 1 < end - 1 && lines[i + span - 1].endsWith("\\")) span++;
    if (keyLine.test(lines[i])) found.push({ at: i, span });
    i += span - 1;
  }
  return found;
}

/** The key's line inside [start, end): a repeated key's last one, which counts. */
function findKey(lines: string[], range: [number, number], key: string): { at: number; span: number } | undefined {
  const found = keyLines(lines, range, key);
  return found.length > 0 ? found[found.length - 1] : undefined;
}

/** A key's value: continuation lines joined with newlines. */
function valueAt(lines: string[], { at, span }: { at: number; span: number }): string {
  const parts = lines.slice(at, at + span);
  parts[0] = parts[0].replace(/^[^=]*=\s*/, "");
  return parts.map((part, i) => (i < parts.length - 1 ? part.slice(0, -1) : part)).join("\n").trim();
}

/** The setting's value (continuation lines joined with newlines), or undefined. */
export function readSetting(confText: string, stanza: string, key: string): string | undefined {
  const values = readSettings(confText, stanza, key);
  return values.length > 0 ? values[values.length - 1] : undefined;
}

/** Every value the key has in the stanza, in file order (repeated stanzas included). */
export function readSettings(confText: string, stanza: string, key: string): string[] {
  const { lines } = splitLines(confText);
  const values: string[] = [];
  for (const range of stanzaRanges(lines, stanza)) for (const found of keyLines(lines, range, key)) values.push(valueAt(lines, found));
  return values;
}

/** The text without the key in any stanza of that name (its continuation lines too). */
export function removeSetting(confText: string, stanza: string, key: string): string {
  const parsed = splitLines(confText);
  for (const range of stanzaRanges(parsed.lines, stanza).reverse()) {
    for (const found of keyLines(parsed.lines, range, key).reverse()) parsed.lines.splice(found.at, found.span);
  }
  return joinLines(parsed);
}

/** The text with the setting set (the stanza is appended if the file has none). */
export function writeSetting(confText: string, stanza: string, key: string, value: string): string {
  if (/[\r\n]/.test(value) || value.endsWith("\\")) {
    throw new Error("a value written by this tool is one line and does not end with a backslash");
  }
  const parsed = splitLines(confText);
  const { lines } = parsed;
  const line = `${key} = ${value}`;
  const ranges = stanzaRanges(lines, stanza);
  if (ranges.length === 0) {
    if (lines.length > 0 && lines[lines.length - 1].trim() !== "") lines.push("");
    lines.push(`[${stanza}]`, line);
    return joinLines({ ...parsed, lines, endsWithEol: true });
  }
  const last = ranges[ranges.length - 1];
  const found = findKey(lines, last, key);
  if (found) lines.splice(found.at, found.span, line);
  else lines.splice(last[0] + 1, 0, line);
  return joinLines(parsed);
}
