/**
 * _time as splunkd writes it ("1599171244.277"), read without making a string: its digits as one
 * integer and the count of digits after the point. That pair gives back the exact text, and its
 * number is the one parseFloat gives the text (see parseDecimalTime).
 */

/** Digits read: at most 15, so that distinct values never share a double (DBL_DIG). */
const MAX_DIGITS = 15;
const POWERS_OF_TEN = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

export interface DecimalTime {
  digits: number; // the text's digits as one integer (< 10^15, so exact)
  scale: number; // digits after the point
}

/**
 * The number of text[start, end) when it is a plain decimal: digits, then optionally a point and
 * more digits, no leading zero, at most 15 digits. NaN otherwise (the caller then reads the text as
 * a string). The digits and scale go into `out`.
 *
 * digits / 10^scale is parseFloat's result: both operands are exact doubles, and one IEEE division
 * rounds correctly (Clinger's fast path).
 */
export function parseDecimalTime(text: string, start: number, end: number, out: DecimalTime): number {
  let digits = 0;
  let count = 0;
  let point = -1;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c >= 0 && c <= 9) {
      digits = digits * 10 + c;
      count++;
    } else if (c === -2 && point < 0) point = i; // "."
    else return NaN;
  }
  if (count === 0 || count > MAX_DIGITS || point === start || point === end - 1) return NaN;
  const intEnd = point < 0 ? end : point;
  if (text.charCodeAt(start) === 48 && intEnd - start > 1) return NaN; // a leading zero
  const scale = point < 0 ? 0 : end - point - 1;
  out.digits = digits;
  out.scale = scale;
  return scale === 0 ? digits : digits / POWERS_OF_TEN[scale];
}

/** The text parseDecimalTime read as (digits, scale). */
export function decimalText(digits: number, scale: number): string {
  let text = String(digits);
  if (scale === 0) return text;
  while (text.length <= scale) text = "0" + text;
  return text.slice(0, text.length - scale) + "." + text.slice(text.length - scale);
}
