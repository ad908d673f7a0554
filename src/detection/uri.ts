/**
 * Which Kubernetes pod-list request a requestURI is. The apiserver lists (or watches) every pod at
 * /api/v1/pods and one namespace's pods at /api/v1/namespaces/<ns>/pods; the older watch paths
 * /api/v1/watch/pods and /api/v1/watch/namespaces/<ns>/pods enumerate the same pods, so they count
 * too. A query string (?limit=500, ?watch=true), trailing slashes, percent-encoded segments and
 * letter case do not change the answer. A named pod (…/pods/<name>), its subresources, health and
 * version endpoints and anything else is not a pod list ("").
 */
export type PodListScope = "cluster" | "namespace" | "";

const CLUSTER_PODS = "/api/v1/pods";

export function podListScope(uri: string): PodListScope {
  if (uri === CLUSTER_PODS) return "cluster";
  const segments = pathSegments(uri);
  if (segments === null) return "";
  // segments[0] is "" (the leading slash); the path must start /api/v1.
  let i = 1;
  if (segments[i++] !== "api" || segments[i++] !== "v1") return "";
  if (segments[i] === "watch") i++;
  const rest = segments.length - i;
  if (rest === 1 && segments[i] === "pods") return "cluster";
  if (rest === 3 && segments[i] === "namespaces" && segments[i + 2] === "pods" && isName(segments[i + 1])) {
    return "namespace";
  }
  return "";
}

/**
 * The decoded, lower-cased path segments of a URI, without query string and trailing slashes; null
 * when it is not an absolute path or has an empty segment in the middle (the apiserver redirects
 * such paths instead of serving them).
 */
function pathSegments(uri: string): string[] | null {
  let end = uri.length;
  const query = uri.indexOf("?");
  if (query >= 0) end = query;
  const fragment = uri.indexOf("#");
  if (fragment >= 0 && fragment < end) end = fragment;
  while (end > 1 && uri.charCodeAt(end - 1) === 47 /* / */) end--;
  if (end === 0 || uri.charCodeAt(0) !== 47) return null;
  const raw = uri.slice(0, end).split("/");
  const segments: string[] = [""];
  for (let i = 1; i < raw.length; i++) {
    if (raw[i] === "") return null;
    segments.push(decodeSegment(raw[i]).toLowerCase());
  }
  return segments;
}

function decodeSegment(segment: string): string {
  if (segment.indexOf("%") < 0) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // malformed escape: keep it literal, it then matches nothing we look for
  }
}

/** A namespace segment: non-empty and still one segment after decoding (no encoded slash). */
function isName(segment: string): boolean {
  return segment !== "" && segment.indexOf("/") < 0;
}
