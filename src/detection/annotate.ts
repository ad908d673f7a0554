import type { AuditEvent, FieldValue } from "./event";
import { enrichCells } from "./enrich";
import { valuesOf } from "./values";

/** The per-event field mode=annotate|filter adds: "1" when the event is a pod scan, "0" otherwise. */
export const ANNOTATE_COLUMNS: readonly string[] = ["pod_scan"];

/**
 * The cells mode=annotate|filter appends to one event: pod_scan, then (when enrich) the
 * ENRICH_COLUMNS describing this event alone. cluster, outcome, scope and scanner are filled for
 * any event; risk_score only for a match.
 */
export function annotateEvent(ev: AuditEvent, matched: boolean, enrich: boolean): FieldValue[] {
  const flag = matched ? "1" : "0";
  if (!enrich) return [flag];
  const cells = enrichCells(
    {
      sources: valuesOf(ev.source),
      codes: valuesOf(ev.code),
      decisions: valuesOf(ev.decision),
      uris: valuesOf(ev.requestURI),
      userAgents: valuesOf(ev.userAgent),
    },
    matched,
  );
  cells.unshift(flag);
  return cells;
}
