/**
 * Splits a command line as Splunk does for a search command's arguments: on whitespace, keeping a
 * double-quoted run together. `args` lose the quotes (and a backslash before a quote);
 * `raw_args` keep the words exactly as written, e.g. `phase="map"` gives args `phase=map`.
 */
export interface SplitArgs {
  args: string[];
  rawArgs: string[];
}

export function splitSearchArgs(text: string): SplitArgs {
  const args: string[] = [];
  const rawArgs: string[] = [];
  let arg = "";
  let raw = "";
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (!quoted && /\s/.test(c)) {
      if (inWord) {
        args.push(arg);
        rawArgs.push(raw);
      }
      arg = raw = "";
      inWord = false;
      continue;
    }
    inWord = true;
    raw += c;
    if (c === '"') {
      quoted = !quoted;
    } else if (quoted && c === "\\" && text[i + 1] === '"') {
      raw += '"';
      arg += '"';
      i++;
    } else {
      arg += c;
    }
  }
  if (inWord) {
    args.push(arg);
    rawArgs.push(raw);
  }
  return { args, rawArgs };
}
