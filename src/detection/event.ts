/**
 * The fields of one EKS audit event that the detection reads, as Splunk hands them to a search
 * command. A value is one string, or an array for a multivalue field; "" means absent (Splunk's
 * CSV does not tell an empty field from a missing one).
 */
export type FieldValue = string | string[];

export interface AuditEvent {
  time: FieldValue; // _time (epoch seconds as Splunk wrote it, e.g. "1599171244.277")
  username: FieldValue; // user.username
  groups: FieldValue; // user.groups{}
  verb: FieldValue; // verb
  resource: FieldValue; // objectRef.resource
  requestURI: FieldValue; // requestURI
  source: FieldValue; // source (renamed cluster_name by the seed)
  sourceIPs: FieldValue; // sourceIPs{} (renamed src_ip by the seed)
  reason: FieldValue; // responseStatus.reason
  code: FieldValue; // responseStatus.code
  userAgent: FieldValue; // userAgent
  decision: FieldValue; // annotations.authorization.k8s.io/decision
}

/** Splunk's field name (JSON extraction of the audit event) for each AuditEvent key. */
export const SPLUNK_FIELD: { readonly [K in keyof AuditEvent]: string } = {
  time: "_time",
  username: "user.username",
  groups: "user.groups{}",
  verb: "verb",
  resource: "objectRef.resource",
  requestURI: "requestURI",
  source: "source",
  sourceIPs: "sourceIPs{}",
  reason: "responseStatus.reason",
  code: "responseStatus.code",
  userAgent: "userAgent",
  decision: "annotations.authorization.k8s.io/decision",
};

/** An AuditEvent with the given fields and every other field absent (""). */
export function auditEvent(fields: Partial<AuditEvent>): AuditEvent {
  return {
    time: fields.time ?? "",
    username: fields.username ?? "",
    groups: fields.groups ?? "",
    verb: fields.verb ?? "",
    resource: fields.resource ?? "",
    requestURI: fields.requestURI ?? "",
    source: fields.source ?? "",
    sourceIPs: fields.sourceIPs ?? "",
    reason: fields.reason ?? "",
    code: fields.code ?? "",
    userAgent: fields.userAgent ?? "",
    decision: fields.decision ?? "",
  };
}
