/**
 * A small SPL lexer for tests: splits a search string into double-quoted strings (with backslash
 * escapes), single-quoted field names and the code between them. Enough to check where quotes
 * begin and end, which is what decides whether a value can escape into SPL.
 */

export type SplToken =
  | { kind: "string"; raw: string; value: string }
  | { kind: "field"; raw: string; value: string }
  | { kind: "code"; raw: string };

export function tokenizeSpl(text: string): SplToken[] {
  const tokens: SplToken[] = [];
  let code = "";
  let i = 0;
  const flushCode = () => {
    if (code !== "") tokens.push({ kind: "code", raw: code });
    code = "";
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      flushCode();
      let value = "";
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new Error(`unterminated string starting at ${i}: ${text.slice(i)}`);
        if (text[j] === "\\") {
          if (j + 1 >= text.length) throw new Error(`dangling backslash at ${j}`);
          const next = text[j + 1];
          value += next === "\\" || next === '"' ? next : `\\${next}`;
          j += 2;
        } else if (text[j] === '"') {
          break;
        } else {
          value += text[j++];
        }
      }
      tokens.push({ kind: "string", raw: text.slice(i, j + 1), value });
      i = j + 1;
    } else if (c === "'") {
      flushCode();
      const end = text.indexOf("'", i + 1);
      if (end === -1) throw new Error(`unterminated field name starting at ${i}`);
      tokens.push({ kind: "field", raw: text.slice(i, end + 1), value: text.slice(i + 1, end) });
      i = end + 1;
    } else {
      code += c;
      i++;
    }
  }
  flushCode();
  return tokens;
}

/** The search with every string literal replaced by "S": what the template alone decides. */
export function splSkeleton(text: string): string {
  return tokenizeSpl(text)
    .map((token) => (token.kind === "string" ? '"S"' : token.raw))
    .join("");
}
