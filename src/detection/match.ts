import type { AuditEvent, FieldValue } from "./event";
import { podListScope } from "./uri";
import { anyEqualsIgnoreCase } from "./values";

export type MatchMode = "exact" | "broad";

/** A search term: one value of `field` must equal one of `anyOf` (lower case), ignoring case. */
export interface Term {
  field: keyof AuditEvent;
  anyOf: string[];
}

/**
 * The seed's search terms: "user.username"="system:anonymous" verb=list objectRef.resource=pods
 * requestURI="/api/v1/pods", each compared as Splunk compares a field to a literal (whole value,
 * case-insensitive, any value of a multivalue field, never a missing field). The most selective
 * term goes first.
 */
const SEED_TERMS: readonly Term[] = [
  { field: "requestURI", anyOf: ["/api/v1/pods"] },
  { field: "resource", anyOf: ["pods"] },
  { field: "verb", anyOf: ["list"] },
  { field: "username", anyOf: ["system:anonymous"] },
];

export function matchesExact(ev: AuditEvent): boolean {
  for (let i = 0; i < SEED_TERMS.length; i++) if (!meets(ev, SEED_TERMS[i])) return false;
  return true;
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

/**
 * Terms every event the mode matches meets (for exact, the whole match): a reader may rule an event
 * out on them before building it. They never decide a match; matcherFor(mode) does.
 */
export function necessaryTerms(mode: MatchMode): readonly Term[] {
  return mode === "broad" ? BROAD_NECESSARY_TERMS : SEED_TERMS;
}

const BROAD_NECESSARY_TERMS: readonly Term[] = [{ field: "verb", anyOf: ["list", "watch"] }];

/** Whether an event whose fields meet necessaryTerms(mode) each on a single value matches. */
export function termsDecide(mode: MatchMode): boolean {
  return mode === "exact";
}

function meets(ev: AuditEvent, term: Term): boolean {
  const value = ev[term.field];
  for (let i = 0; i < term.anyOf.length; i++) if (anyEqualsIgnoreCase(value, term.anyOf[i])) return true;
  return false;
}

function isPodListURI(uri: FieldValue): boolean {
  if (typeof uri === "string") return uri !== "" && podListScope(uri) !== "";
  for (let i = 0; i < uri.length; i++) if (podListScope(uri[i]) !== "") return true;
  return false;
}
