// The detection layer's public API: pure functions over AuditEvent, no I/O.
export type { AuditEvent, FieldValue } from "./event";
export { SPLUNK_FIELD, auditEvent } from "./event";
export type { MatchMode, Term } from "./match";
export { matchesExact, matchesBroad, matcherFor, necessaryTerms, termsDecide } from "./match";
export type { PartialRecord } from "./stats";
export { SEED_COLUMNS, ENRICH_COLUMNS, PARTIAL_COLUMNS, InvalidPartialRow, PodScanStats } from "./stats";
export { ANNOTATE_COLUMNS, annotateEvent } from "./annotate";
export type { EnrichInput } from "./enrich";
export { enrichCells, clusterFromSource, scannerOf, wasAllowed, RISK_SCORE_ALLOWED, RISK_SCORE_DENIED } from "./enrich";
export type { PodListScope } from "./uri";
export { podListScope } from "./uri";
export type { Aggregation, GroupBy, Grouping } from "./grouping";
export { groupingFor } from "./grouping";
export { CLIENT_COLUMNS, CLIENT_ENRICH_COLUMNS, CLIENT_PARTIAL_COLUMNS, ClientStats, clientResultColumns } from "./client-stats";
