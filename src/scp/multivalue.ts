/**
 * splunkd's multivalue encoding in a `__mv_<field>` column: `$v1$;$v2$`, a literal `$` doubled.
 */

/** `$a$;$b$$c$` -> ["a", "b$c"]; null when the text is not in that form (the plain column then stands). */
export function decodeMultivalue(text: string): string[] | null {
  const values: string[] = [];
  let pos = 0;
  while (pos < text.length) {
    if (text.charCodeAt(pos) !== 36) return null; // $
    let value = "";
    let start = pos + 1;
    for (;;) {
      const dollar = text.indexOf("$", start);
      if (dollar < 0) return null;
      if (text.charCodeAt(dollar + 1) === 36) {
        value += text.slice(start, dollar + 1);
        start = dollar + 2;
        continue;
      }
      value += text.slice(start, dollar);
      pos = dollar + 1;
      break;
    }
    values.push(value);
    if (pos < text.length) {
      if (text.charCodeAt(pos) !== 59) return null; // ;
      pos++;
    }
  }
  return values;
}

export function encodeMultivalue(values: string[]): string {
  let out = "";
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    out += (i > 0 ? ";$" : "$") + (value.indexOf("$") < 0 ? value : value.replace(/\$/g, "$$$$")) + "$";
  }
  return out;
}
