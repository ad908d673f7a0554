/**
 * Anonymous pod lists for the by=client tests: one remote address, the X-Forwarded-For entries a
 * client may forge, and three API-server log streams of the one cluster "prod".
 */
import { Record } from "./command-streams";

export const REMOTE = "198.51.100.40";
/** 50 addresses a client wrote into X-Forwarded-For; the API server lists them before the remote address. */
export const FORGED = Array.from({ length: 50 }, (_, i) => `192.0.2.${i + 1}`);
/** Three API-server log streams of the one cluster "prod"; the first is command-events' PROD. */
export const STREAMS = ["0a1b2c3d4e5f60718293a4b5c6d7e8f9", "11111111111111111111111111111111", "22222222222222222222222222222222"].map(
  (id) => `us-east-1:/aws/eks/prod/cluster:kube-apiserver-audit-${id}`,
);

/** A denied anonymous list of every pod from REMOTE on prod's first stream, with `over` on top. */
export function podList(over: Record): Record {
  return {
    _time: "1599171244.277",
    "annotations.authorization.k8s.io/decision": "forbid",
    "objectRef.resource": "pods",
    requestURI: "/api/v1/pods",
    "responseStatus.code": "403",
    "responseStatus.reason": "Forbidden",
    source: STREAMS[0],
    "sourceIPs{}": REMOTE,
    "user.groups{}": "system:unauthenticated",
    "user.username": "system:anonymous",
    userAgent: "curl/7.68.0",
    verb: "list",
    ...over,
  };
}
