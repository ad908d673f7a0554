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
// One regex with alternatives under /i is slow in V8: the words and the escapes are tested apart, and
// the escape tests run only on text that holds a backslash (every \u escape starts with one). Pods
// first: it fails far more often (about 89% of the messages of make-sample's export, against 48% for
// the caller). The same predicate as /pods|%|\\u00(?:...)/i.test && /anonymous|unauthenticated|.../i.test,
// checked on arbitrary text by a property test.
const PODS_WORD = /pods/i;
const PODS_ESCAPE = /\\u00(?:25|3[0-9]|[46][1-9a-f]|[57][0-9a])/i;
const ANONYMOUS = /anonymous/i;
const UNAUTHENTICATED = /unauthenticated/i;
const CALLER_ESCAPE = /\\u00(?:[46][1-9a-f]|[57][0-9a])/i;

/** False only for a message no search of ekspodscan can match. */
export function mayMatchPodScan(message: string): boolean {
  const escaped = message.indexOf("\\") >= 0;
  const pods = message.indexOf("%") >= 0 || PODS_WORD.test(message) || (escaped && PODS_ESCAPE.test(message));
  return pods && (ANONYMOUS.test(message) || UNAUTHENTICATED.test(message) || (escaped && CALLER_ESCAPE.test(message)));
}
