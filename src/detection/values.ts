import type { FieldValue } from "./event";

/**
 * Splunk's search compares a field to a literal as a whole value, ignoring case. Only ASCII letters
 * are folded (our literals are ASCII); the loop allocates nothing, unlike toLowerCase.
 * `lower` must already be lower case.
 */
export function equalsIgnoreCase(value: string, lower: string): boolean {
  if (value === lower) return true;
  const n = lower.length;
  if (value.length !== n) return false;
  for (let i = 0; i < n; i++) {
    let c = value.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** True when any value of the field equals `lower` ignoring case; a missing field ("") never does. */
export function anyEqualsIgnoreCase(field: FieldValue, lower: string): boolean {
  if (typeof field === "string") return field !== "" && equalsIgnoreCase(field, lower);
  for (let i = 0; i < field.length; i++) {
    if (equalsIgnoreCase(field[i], lower)) return true;
  }
  return false;
}

/** The present (non-empty) values of a field, as an array. */
export function valuesOf(field: FieldValue): string[] {
  if (typeof field === "string") return field === "" ? [] : [field];
  const out: string[] = [];
  for (let i = 0; i < field.length; i++) if (field[i] !== "") out.push(field[i]);
  return out;
}

/**
 * Orders strings by Unicode code point (the same order as their UTF-8 bytes). Plain `<` compares
 * UTF-16 code units, which puts astral characters before U+E000..U+FFFF; shifting surrogates above
 * that range fixes it.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca >= 0xd800) ca += ca <= 0xdfff ? 0x2000 : -0x800;
    if (cb >= 0xd800) cb += cb <= 0xdfff ? 0x2000 : -0x800;
    return ca - cb;
  }
  return a.length - b.length;
}

/** A stats-style cell from distinct values: "" for none, the value for one, else a multivalue sorted in place. */
export function cellOf(distinct: string[]): FieldValue {
  const list = distinct;
  if (list.length === 0) return "";
  if (list.length === 1) return list[0];
  return list.sort(compareStrings);
}
