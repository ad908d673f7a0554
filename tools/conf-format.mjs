// Writing Splunk .conf text the way ESCU's contentctl does: values stripped, line breaks kept as
// backslash continuations, JSON values as Jinja's `tojson` prints them. No dates, no randomness.

/** A number that Python would print as a float (`1586908800.0`), as contentctl's JSON does. */
export class PyFloat {
  constructor(value) {
    this.value = value;
  }
}

const HTML_UNSAFE = { "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027" };

function unicodeEscape(ch) {
  return "\\u" + ch.charCodeAt(0).toString(16).padStart(4, "0");
}

function jsonString(s) {
  // JSON.stringify already escapes quotes, backslashes and control characters as Python does;
  // Python's ensure_ascii also escapes DEL and everything beyond ASCII, one UTF-16 unit at a time.
  return JSON.stringify(s).replace(/[^\x20-\x7e]/g, unicodeEscape);
}

function pythonJson(value) {
  if (value === null) return "null";
  if (value instanceof PyFloat) {
    const n = value.value;
    if (!Number.isFinite(n)) throw new Error(`not a finite float: ${n}`);
    return Number.isInteger(n) ? n.toFixed(1) : String(n);
  }
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isSafeInteger(value)) throw new Error(`use PyFloat for non-integer ${value}`);
      return String(value);
    case "string":
      return jsonString(value);
    case "object":
      if (Array.isArray(value)) return "[" + value.map(pythonJson).join(", ") + "]";
      return (
        "{" +
        Object.keys(value)
          .sort()
          .map((k) => `${jsonString(k)}: ${pythonJson(value[k])}`)
          .join(", ") +
        "}"
      );
    default:
      throw new Error(`cannot render ${typeof value} as JSON`);
  }
}

/**
 * JSON as contentctl's templates print it (Jinja `tojson`): keys sorted, ", " and ": " separators,
 * non-ASCII escaped, and < > & ' written as \u003c \u003e \u0026 \u0027.
 */
export function escuJson(value) {
  return pythonJson(value).replace(/[<>&']/g, (ch) => HTML_UNSAFE[ch]);
}

/**
 * One conf value: stripped like contentctl's escapeNewlines, each line break written as a backslash
 * continuation. Unlike contentctl we add no space before the backslash, so that a value read back
 * (see conf-parse.mjs) equals the source text exactly.
 */
export function confValue(value) {
  const text = String(value).trim();
  if (text.includes("\r")) throw new Error(`conf value contains a carriage return: ${text}`);
  if (/\\(\n|$)/.test(text)) throw new Error(`conf value has a line ending in a backslash: ${text}`);
  return text.replace(/\n/g, "\\\n");
}

/** A stanza: `[name]` then `key = value` lines in the given order. */
export function renderStanza(name, entries) {
  if (/[\[\]\n]/.test(name)) throw new Error(`invalid stanza name: ${name}`);
  const seen = new Set();
  const lines = [`[${name}]`];
  for (const [key, value] of entries) {
    if (seen.has(key)) throw new Error(`duplicate key ${key} in [${name}]`);
    seen.add(key);
    lines.push(`${key} = ${confValue(value)}`);
  }
  return lines.join("\n") + "\n";
}

/** A whole conf file: comment header, then stanzas separated by one blank line. */
export function renderConf(headerLines, stanzas) {
  const header = headerLines.map((l) => (l === "" ? "#" : `# ${l}`)).join("\n");
  return header + "\n\n" + stanzas.join("\n");
}
