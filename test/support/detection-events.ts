/** The detection tests' event: the seed's match, an anonymous list of all pods that was forbidden. */
import { auditEvent } from "../../src/detection";
import type { AuditEvent } from "../../src/detection";

export const PROD_SOURCE = "us-east-1:/aws/eks/prod/cluster:kube-apiserver-audit-0123456789abcdef0123456789abcdef";

export function podListEvent(over: Partial<AuditEvent>): AuditEvent {
  return auditEvent({
    time: "1599171244.277",
    username: "system:anonymous",
    groups: "system:unauthenticated",
    verb: "list",
    resource: "pods",
    requestURI: "/api/v1/pods",
    source: PROD_SOURCE,
    sourceIPs: "203.0.113.7",
    reason: "Forbidden",
    code: "403",
    userAgent: "curl/7.68.0",
    decision: "forbid",
    ...over,
  });
}
