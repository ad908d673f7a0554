/**
 * Hand-made EKS audit events (as Splunk extracts them) for the ekspodscan tests, and the rows the
 * seed's stats must give for them. Every expectation here was worked out by hand from the seed.
 */
import type { Record } from "./command-streams";

export const PROD = "us-east-1:/aws/eks/prod/cluster:kube-apiserver-audit-0a1b2c3d4e5f60718293a4b5c6d7e8f9";
export const STAGING = "us-west-2:/aws/eks/staging/cluster:kube-apiserver-audit-9f8e7d6c5b4a39281706f5e4d3c2b1a0";

/** The order splunkd sends fields in (plain columns; twins follow in the CSV). */
export const EVENT_FIELD_ORDER = [
  "_time",
  "_raw",
  "host",
  "annotations.authorization.k8s.io/decision",
  "objectRef.resource",
  "requestURI",
  "responseStatus.code",
  "responseStatus.reason",
  "source",
  "sourceIPs{}",
  "user.groups{}",
  "user.username",
  "userAgent",
  "verb",
];

function audit(over: Record): Record {
  return {
    _time: "1599171244.277",
    _raw: '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata"}',
    host: "cloudwatchlogs",
    "annotations.authorization.k8s.io/decision": "forbid",
    "objectRef.resource": "pods",
    requestURI: "/api/v1/pods",
    "responseStatus.code": "403",
    "responseStatus.reason": "Forbidden",
    source: PROD,
    "sourceIPs{}": "203.0.113.7",
    "user.groups{}": "system:unauthenticated",
    "user.username": "system:anonymous",
    userAgent: "curl/7.68.0",
    verb: "list",
    ...over,
  };
}

/** E1..E8; `exact` and `broad` say which the seed's search (and the broad variant) match. */
export const EVENTS: Array<{ name: string; exact: boolean; broad: boolean; record: Record }> = [
  { name: "E1 anonymous list of all pods, denied", exact: true, broad: true, record: audit({}) },
  {
    name: "E2 two source IPs, two groups, allowed, by kube-hunter",
    exact: true,
    broad: true,
    record: audit({
      _time: "1599171200.5",
      "annotations.authorization.k8s.io/decision": "allow",
      "responseStatus.code": "200",
      "responseStatus.reason": "",
      "sourceIPs{}": ["203.0.113.7", "10.0.12.7"],
      "user.groups{}": ["system:unauthenticated", "system:authenticated"],
      userAgent: "kube-hunter",
    }),
  },
  {
    name: "E3 upper-case verb on staging",
    exact: true,
    broad: true,
    record: audit({
      _time: "1599171300",
      source: STAGING,
      "sourceIPs{}": "198.51.100.23",
      userAgent: "python-requests/2.31.0",
      verb: "LIST",
    }),
  },
  {
    name: "E4 an administrator lists pods",
    exact: false,
    broad: false,
    record: audit({
      _time: "1599171301",
      "annotations.authorization.k8s.io/decision": "allow",
      "responseStatus.code": "200",
      "responseStatus.reason": "",
      "user.groups{}": ["system:masters", "system:authenticated"],
      "user.username": "kubernetes-admin",
      userAgent: "kubectl/v1.27.2 (linux/amd64) kubernetes/7f6f68f",
    }),
  },
  {
    name: "E5 anonymous watch of one namespace's pods (broad only)",
    exact: false,
    broad: true,
    record: audit({
      _time: "1599171302.25",
      requestURI: "/api/v1/namespaces/default/pods?watch=true",
      source: STAGING,
      "sourceIPs{}": "192.0.2.44",
      userAgent: "Go-http-client/1.1",
      verb: "watch",
    }),
  },
  {
    name: "E6 anonymous get of one named pod",
    exact: false,
    broad: false,
    record: audit({
      _time: "1599171303",
      requestURI: "/api/v1/namespaces/default/pods/coredns-5d78c9869d-x2x4z",
      verb: "get",
    }),
  },
  {
    name: "E7 a match without sourceIPs{} (no src_ip: stats drops it)",
    exact: true,
    broad: true,
    record: audit({ _time: "1599171304", "sourceIPs{}": "" }),
  },
  {
    name: "E8 E1's group again; _raw with quotes, commas, a newline and $",
    exact: true,
    broad: true,
    record: audit({
      _time: "1599171250.0",
      _raw: '{"userAgent":"kubectl/v1.18.0", "note":"a,b\nc $x$"}',
      userAgent: "kubectl/v1.18.0",
    }),
  },
];

export const RECORDS: Record[] = EVENTS.map((e) => e.record);

const SEED_HEADER =
  "src_ip,cluster_name,user.username,user.groups{},count,firstTime,lastTime,values(responseStatus.reason)," +
  "values(responseStatus.code),values(userAgent),values(verb),values(requestURI)";

/**
 * `ekspodscan` (match=exact) over RECORDS: the seed's rows sorted by the by-fields, a `__mv_` twin
 * only for the columns that hold a multivalue somewhere, exactly as our encoder writes it.
 */
export const EXACT_RESULT_BODY =
  SEED_HEADER +
  ",__mv_values(responseStatus.code),__mv_values(userAgent)\n" +
  `10.0.12.7,${PROD},system:anonymous,system:authenticated,1,1599171200.5,1599171200.5,,200,kube-hunter,list,/api/v1/pods,,\n` +
  `10.0.12.7,${PROD},system:anonymous,system:unauthenticated,1,1599171200.5,1599171200.5,,200,kube-hunter,list,/api/v1/pods,,\n` +
  `198.51.100.23,${STAGING},system:anonymous,system:unauthenticated,1,1599171300,1599171300,Forbidden,403,python-requests/2.31.0,LIST,/api/v1/pods,,\n` +
  `203.0.113.7,${PROD},system:anonymous,system:authenticated,1,1599171200.5,1599171200.5,,200,kube-hunter,list,/api/v1/pods,,\n` +
  `203.0.113.7,${PROD},system:anonymous,system:unauthenticated,3,1599171200.5,1599171250.0,Forbidden,"200\n403",` +
  `"curl/7.68.0\nkube-hunter\nkubectl/v1.18.0",list,/api/v1/pods,$200$;$403$,$curl/7.68.0$;$kube-hunter$;$kubectl/v1.18.0$\n`;

/** match=broad adds E5's group (row 2 in sort order). */
export const BROAD_RESULT_BODY = EXACT_RESULT_BODY.replace(
  `\n198.51.100.23,`,
  `\n192.0.2.44,${STAGING},system:anonymous,system:unauthenticated,1,1599171302.25,1599171302.25,Forbidden,403,` +
    `Go-http-client/1.1,watch,/api/v1/namespaces/default/pods?watch=true,,\n198.51.100.23,`,
);

/** enrich=true: cluster, outcome, scope, scanner, risk_score after the seed's columns. */
export const EXACT_ENRICHED_BODY =
  SEED_HEADER +
  ",cluster,outcome,scope,scanner,risk_score,__mv_values(responseStatus.code),__mv_values(userAgent),__mv_scanner\n" +
  `10.0.12.7,${PROD},system:anonymous,system:authenticated,1,1599171200.5,1599171200.5,,200,kube-hunter,list,/api/v1/pods,prod,allowed,cluster,kube-hunter,75,,,\n` +
  `10.0.12.7,${PROD},system:anonymous,system:unauthenticated,1,1599171200.5,1599171200.5,,200,kube-hunter,list,/api/v1/pods,prod,allowed,cluster,kube-hunter,75,,,\n` +
  `198.51.100.23,${STAGING},system:anonymous,system:unauthenticated,1,1599171300,1599171300,Forbidden,403,python-requests/2.31.0,LIST,/api/v1/pods,staging,denied,cluster,python-requests,25,,,\n` +
  `203.0.113.7,${PROD},system:anonymous,system:authenticated,1,1599171200.5,1599171200.5,,200,kube-hunter,list,/api/v1/pods,prod,allowed,cluster,kube-hunter,75,,,\n` +
  `203.0.113.7,${PROD},system:anonymous,system:unauthenticated,3,1599171200.5,1599171250.0,Forbidden,"200\n403",` +
  `"curl/7.68.0\nkube-hunter\nkubectl/v1.18.0",list,/api/v1/pods,prod,allowed,cluster,"curl\nkube-hunter\nkubectl",75,` +
  `$200$;$403$,$curl/7.68.0$;$kube-hunter$;$kubectl/v1.18.0$,$curl$;$kube-hunter$;$kubectl$\n`;
