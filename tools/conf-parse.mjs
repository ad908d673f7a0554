// A small reader for Splunk .conf text, used by the tests to check rendered files key by key.
// Rules: `#` starts a comment line; `[name]` opens a stanza; `key = value` with the key and value
// trimmed; a line ending in a backslash continues on the next line, the line break kept in the
// value. Keys before the first stanza belong to the unnamed global stanza "".

/**
 * @param {string} text
 * @returns {{ name: string, entries: [string, string][] }[]} stanzas in file order
 */
export function parseConf(text) {
  const stanzas = [];
  let current = null;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (line.endsWith("\r")) line = line.slice(0, -1);
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const header = /^\[(.*)\]$/.exec(trimmed);
    if (header) {
      current = { name: header[1], entries: [] };
      stanzas.push(current);
      continue;
    }
    const eq = line.indexOf("=");
    if (eq < 0) throw new Error(`line ${i + 1}: not a stanza, setting or comment: ${line}`);
    let value = line.slice(eq + 1);
    while (value.endsWith("\\") && i + 1 < lines.length) {
      i += 1;
      value = value.slice(0, -1) + "\n" + lines[i];
    }
    if (!current) {
      current = { name: "", entries: [] };
      stanzas.push(current);
    }
    current.entries.push([line.slice(0, eq).trim(), value.trim()]);
  }
  return stanzas;
}

/**
 * The stanzas as a map name -> (map key -> value); throws on a repeated stanza or key, which
 * Splunk would silently merge.
 * @param {string} text
 * @returns {Map<string, Map<string, string>>}
 */
export function confToMap(text) {
  const out = new Map();
  for (const { name, entries } of parseConf(text)) {
    if (out.has(name)) throw new Error(`stanza [${name}] appears twice`);
    const keys = new Map();
    for (const [k, v] of entries) {
      if (keys.has(k)) throw new Error(`key ${k} appears twice in [${name}]`);
      keys.set(k, v);
    }
    out.set(name, keys);
  }
  return out;
}
