import type { AuditEvent, FieldValue } from "./event";
import { podListScope } from "./uri";
import { anyEqualsIgnoreCase } from "./values";

export type MatchMode = "exact" | "broad";

/**
 * The seed's search terms: "user.username"="system:anonymous" verb=list objectRef.resource=pods
 * requestURI="/api/v1/pods", each compared as Splunk compares a field to a literal (whole value,
 * case-insensitive, any value of a multivalue field, never a missing field). The most selective
 * term goes first.
 */
export function matchesExact(ev: AuditEvent): boolean {
  return (
    anyEqualsIgnoreCase(ev.requestURI, "/api/v1/pods") &&
    anyEqualsIgnoreCase(ev.resource, "pods") &&
    anyEqualsIgnoreCase(ev.verb, "list") &&
    anyEqualsIgnoreCase(ev.username, "system:anonymous")
  );
}

/**
 * What the seed means but misses: an anonymous caller (user system:anonymous or group
 * system:unauthenticated) listing or watching pods at cluster or namespace scope, whatever the
 * query string, trailing slashes, percent-encoding or letter case of the URI (see podListScope).
 * The URI alone decides the resource, so objectRef.resource is not required.
 */
export function matchesBroad(ev: AuditEvent): boolean {
  return (
    isPodListURI(ev.requestURI) &&
    (anyEqualsIgnoreCase(ev.verb, "list") || anyEqualsIgnoreCase(ev.verb, "watch")) &&
    (anyEqualsIgnoreCase(ev.username, "system:anonymous") ||
      anyEqualsIgnoreCase(ev.groups, "system:unauthenticated"))
  );
}

export function matcherFor(mode: MatchMode): (ev: AuditEvent) => boolean {
  return mode === "broad" ? matchesBroad : matchesExact;
}

function isPodListURI(uri: FieldValue): boolean {
  if (typeof uri === "string") return uri !== "" && podListScope(uri) !== "";
  for (let i = 0; i < uri.length; i++) if (podListScope(uri[i]) !== "") return true;
  return false;
}
