/**
 * A raw-text test that rules a log message out before it is parsed, as Splunk's lexicon rules events
 * out for a base search: a message the command could match (either match mode) must hold an
 * anonymous caller (user system:anonymous, or group system:unauthenticated: the words "anonymous" or
 * "unauthenticated", in any ASCII case, since the match folds only ASCII letters) and a pod-list URI
 * (the word "pods" in any case, or a percent escape that may spell it). JSON may write any of those
 * characters as a \u escape (\u0073ystem:anonymous), so a message with a \u escape of a letter, a
 * digit or '%' is never ruled out. Other escapes (\/, \u0026 for '&') cannot hide these words.
 * Proved against the full parse and match by a property test (test/ingest-prefilter.test.ts).
 */
// One regex with alternatives under /i is slow in V8: the words are tested apart, and the \u escapes
// are found by their backslash (indexOf) rather than by a regex over the whole text. Pods first: it
// fails far more often (about 89% of the messages of make-sample's export, against 48% for the caller).
// The same predicate as /pods|%|\\u00(?:...)/i.test && /anonymous|unauthenticated|.../i.test, checked on
// arbitrary text by a property test.
const PODS_WORD = /pods/i;
const ANONYMOUS = /anonymous/i;
const UNAUTHENTICATED = /unauthenticated/i;

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}

const isLetter = (code: number) => (code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a;
const mayBePodsChar = (code: number) => code === 0x25 || (code >= 0x30 && code <= 0x39) || isLetter(code);

/** Whether `text` holds a \u00XX escape (u and the hex digits in either case) of a character `admits`. */
function hasEscape(text: string, admits: (code: number) => boolean): boolean {
  for (let at = text.indexOf("\\"); at >= 0; at = text.indexOf("\\", at + 1)) {
    if ((text.charCodeAt(at + 1) | 0x20) !== 0x75 || text.charCodeAt(at + 2) !== 0x30 || text.charCodeAt(at + 3) !== 0x30) continue;
    const high = hexDigit(text.charCodeAt(at + 4));
    const low = hexDigit(text.charCodeAt(at + 5));
    if (high >= 0 && low >= 0 && admits(high * 16 + low)) return true;
  }
  return false;
}

/** False only for a message no search of ekspodscan can match. */
export function mayMatchPodScan(message: string): boolean {
  const pods = message.indexOf("%") >= 0 || PODS_WORD.test(message) || hasEscape(message, mayBePodsChar);
  return pods && (ANONYMOUS.test(message) || UNAUTHENTICATED.test(message) || hasEscape(message, isLetter));
}
