/**
 * The traffic model behind the sample: what a few EKS API servers log in a 4-hour window.
 * Everything is drawn from the caller's seeded random source, so a window is reproducible.
 */
export interface Scenario {
  random: () => number;
  startMs: number;
  durationMs: number;
  account: string;
}

/** One CloudWatch log event: the audit line and where CloudWatch stored it. */
export interface TrafficEvent {
  logGroup: string;
  logStream: string;
  timestamp: number; // CloudWatch event time (ms), the API server's stageTimestamp
  message: string;
}

interface Cluster {
  name: string;
  auditStreams: string[];
  authenticatorStream: string;
  nodes: string[];
  anonymousCanListPods: boolean; // a misconfigured RoleBinding grants system:anonymous the view role
}

interface Caller {
  username: string;
  uid?: string;
  groups: string[];
  userAgent: string;
  sourceIPs: string[];
}

const ANONYMOUS_GROUPS = ["system:unauthenticated"];
const PUBLIC_INFO = 'RBAC: allowed by ClusterRoleBinding "system:public-info-viewer" of ClusterRole "system:public-info-viewer" to Group "system:unauthenticated"';
const ANONYMOUS_VIEW = 'RBAC: allowed by ClusterRoleBinding "anonymous-view" of ClusterRole "view" to User "system:anonymous"';
const KUBECTL = "kubectl/v1.29.2 (darwin/arm64) kubernetes/4b8e819";
const KUBELET = "kubelet/v1.29.0-eks-5e0fdde (linux/amd64) kubernetes/5e0fdde";
const CONTROLLER_MANAGER = "kube-controller-manager/v1.29.1 (linux/amd64) kubernetes/bc401b9/leader-election";
const SCHEDULER = "kube-scheduler/v1.29.1 (linux/amd64) kubernetes/bc401b9/leader-election";

class Window {
  readonly events: TrafficEvent[] = [];
  constructor(readonly s: Scenario) {}

  pick<T>(items: T[]): T {
    return items[Math.floor(this.s.random() * items.length)];
  }
  hex(n: number): string {
    let out = "";
    while (out.length < n) out += Math.floor(this.s.random() * 16).toString(16);
    return out;
  }
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${"89ab"[parseInt(h[16], 16) % 4]}${h.slice(17, 20)}-${h.slice(20)}`;
  }
  /** A time inside the window, `fraction` of the way through (0..1). */
  at(fraction: number): number {
    return this.s.startMs + Math.floor(Math.min(Math.max(fraction, 0), 0.999999) * this.s.durationMs);
  }

  /** Logs one request as the API server's audit backend writes it (level Metadata, stage ResponseComplete). */
  request(cluster: Cluster, atMs: number, caller: Caller, verb: string, uri: string, code: number, reason?: string): void {
    const micros = Math.floor(this.s.random() * 1000);
    const received = new Date(atMs).toISOString().replace("Z", `${String(micros).padStart(3, "0")}Z`);
    const tookMs = 1 + Math.floor(this.s.random() * (verb === "list" ? 40 : 8));
    const completed = atMs + tookMs;
    const event: { [key: string]: unknown } = {
      kind: "Event",
      apiVersion: "audit.k8s.io/v1",
      level: "Metadata",
      auditID: this.uuid(),
      stage: "ResponseComplete",
      requestURI: uri,
      verb,
      user: caller.uid ? { username: caller.username, uid: caller.uid, groups: caller.groups } : { username: caller.username, groups: caller.groups },
      sourceIPs: caller.sourceIPs,
      userAgent: caller.userAgent,
    };
    const ref = objectRef(uri);
    if (ref) event.objectRef = ref;
    event.responseStatus = code < 400 ? { metadata: {}, code } : forbidden(caller.username, verb, ref);
    event.requestReceivedTimestamp = received;
    event.stageTimestamp = new Date(completed).toISOString().replace("Z", `${String(Math.floor(this.s.random() * 1000)).padStart(3, "0")}Z`);
    event.annotations = {
      "authorization.k8s.io/decision": code === 403 ? "forbid" : "allow",
      "authorization.k8s.io/reason": code === 403 ? "" : reason || "",
    };
    this.events.push({ logGroup: logGroup(cluster), logStream: this.pick(cluster.auditStreams), timestamp: completed, message: JSON.stringify(event) });
  }

  /** A plain-text line of the aws-iam-authenticator log stream (not an audit event). */
  authenticatorLine(cluster: Cluster, atMs: number, user: string): void {
    const message = `time="${new Date(atMs).toISOString().slice(0, 19)}Z" level=info msg="access granted" arn="arn:aws:iam::${this.s.account}:role/${user}" client="127.0.0.1:${40000 + Math.floor(this.s.random() * 20000)}" groups="[system:masters]" method=POST path=/authenticate uid="aws-iam-authenticator:${this.s.account}:AROA${this.hex(17).toUpperCase()}" username="${user}"`;
    this.events.push({ logGroup: logGroup(cluster), logStream: cluster.authenticatorStream, timestamp: atMs, message });
  }
}

function logGroup(cluster: Cluster): string {
  return `/aws/eks/${cluster.name}/cluster`;
}

/** The objectRef the API server records for a resource URI; none for non-resource URLs like /healthz. */
function objectRef(uri: string): { [key: string]: string } | undefined {
  const m = /^\/api\/v1\/(?:namespaces\/([^/?]+)\/)?([a-z]+)(?:\/([^/?]+))?(?:\/([a-z]+))?(?:\?.*)?$/.exec(uri);
  if (!m) {
    const lease = /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/([^/]+)\/leases\/([^/?]+)/.exec(uri);
    return lease ? { resource: "leases", namespace: lease[1], name: lease[2], apiGroup: "coordination.k8s.io", apiVersion: "v1" } : undefined;
  }
  const ref: { [key: string]: string } = { resource: m[2] };
  if (m[1]) ref.namespace = m[1];
  if (m[3]) ref.name = m[3];
  ref.apiVersion = "v1";
  if (m[4]) ref.subresource = m[4];
  return ref;
}

function forbidden(username: string, verb: string, ref: { [key: string]: string } | undefined): { [key: string]: unknown } {
  const resource = ref ? ref.resource : "";
  const scope = ref && ref.namespace ? `in the namespace "${ref.namespace}"` : "at the cluster scope";
  const message = ref
    ? `${resource} is forbidden: User "${username}" cannot ${verb} resource "${resource}" in API group "" ${scope}`
    : `forbidden: User "${username}" cannot ${verb} path "/"`;
  return { metadata: {}, status: "Failure", message, reason: "Forbidden", details: ref ? { kind: resource } : {}, code: 403 };
}

function clusters(w: Window): Cluster[] {
  const make = (name: string, streams: number, nodes: number, anonymousCanListPods: boolean): Cluster => ({
    name,
    auditStreams: Array.from({ length: streams }, () => `kube-apiserver-audit-${w.hex(32)}`),
    authenticatorStream: `authenticator-${w.hex(32)}`,
    nodes: Array.from({ length: nodes }, () => `ip-10-0-${1 + Math.floor(w.s.random() * 3) * 16}-${10 + Math.floor(w.s.random() * 240)}.ec2.internal`),
    anonymousCanListPods,
  });
  return [make("prod-payments", 2, 6, false), make("staging-web", 1, 3, false), make("dev-sandbox", 1, 2, true)];
}

function anonymous(userAgent: string, ...sourceIPs: string[]): Caller {
  return { username: "system:anonymous", groups: ANONYMOUS_GROUPS, userAgent, sourceIPs };
}

/** Ordinary traffic: controllers, kubelets, people with kubectl, health probes. */
function background(w: Window, cluster: Cluster): void {
  const account = w.s.account;
  const leaseUri = (ns: string, name: string) => `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/${name}`;
  const cm: Caller = { username: "system:kube-controller-manager", groups: ["system:authenticated"], userAgent: CONTROLLER_MANAGER, sourceIPs: ["10.0.101.27"] };
  const scheduler: Caller = { username: "system:kube-scheduler", groups: ["system:authenticated"], userAgent: SCHEDULER, sourceIPs: ["10.0.101.27"] };
  for (let t = 0; t < 1; t += 1 / 120) {
    w.request(cluster, w.at(t + w.s.random() / 400), cm, "update", leaseUri("kube-system", "kube-controller-manager"), 200);
    w.request(cluster, w.at(t + w.s.random() / 400), scheduler, "update", leaseUri("kube-system", "kube-scheduler"), 200);
  }
  const replicaset: Caller = { username: "system:serviceaccount:kube-system:replicaset-controller", uid: w.uuid(), groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"], userAgent: "kube-controller-manager/v1.29.1 (linux/amd64) kubernetes/bc401b9/system:serviceaccount:kube-system:replicaset-controller", sourceIPs: ["10.0.101.27"] };
  for (let i = 0; i < 30; i++) w.request(cluster, w.at(w.s.random()), replicaset, w.pick(["get", "update", "patch"]), `/api/v1/namespaces/${w.pick(["default", "payments", "web"])}/pods/${w.pick(["api", "worker", "web"])}-${w.hex(10)}-${w.hex(5)}`, 200);
  for (const node of cluster.nodes) {
    const kubelet: Caller = { username: `system:node:${node}`, uid: `aws-iam-authenticator:${account}:AROA${w.hex(17).toUpperCase()}`, groups: ["system:bootstrappers", "system:nodes", "system:authenticated"], userAgent: KUBELET, sourceIPs: [node.slice(3, node.indexOf(".")).replace(/-/g, ".")] };
    w.request(cluster, w.at(w.s.random() / 50), kubelet, "list", `/api/v1/pods?fieldSelector=spec.nodeName%3D${node}&limit=500&resourceVersion=0`, 200);
    for (let t = w.s.random() / 24; t < 1; t += 1 / 24) w.request(cluster, w.at(t), kubelet, "update", leaseUri("kube-node-lease", node), 200);
    for (let t = w.s.random() / 12; t < 1; t += 1 / 12) w.request(cluster, w.at(t), kubelet, "patch", `/api/v1/nodes/${node}/status?timeout=10s`, 200);
  }
  const people = ["alice", "bob", "ci-deployer"];
  for (let session = 0; session < 12; session++) {
    const who = w.pick(people);
    const person: Caller = { username: `arn:aws:sts::${account}:assumed-role/EKSAdmin/${who}`, uid: `aws-iam-authenticator:${account}:AROA${w.hex(17).toUpperCase()}`, groups: ["system:masters", "system:authenticated"], userAgent: KUBECTL, sourceIPs: [`10.0.200.${10 + people.indexOf(who)}`] };
    const start = w.s.random() * 0.95;
    w.authenticatorLine(cluster, w.at(start), who);
    const requests: Array<[string, string]> = [
      ["list", "/api/v1/pods?limit=500"],
      ["list", "/api/v1/namespaces/default/pods?limit=500"],
      ["get", "/api/v1/namespaces/default/pods/api-7d9c5b8f6c-x2k4q"],
      ["list", "/api/v1/namespaces/kube-system/configmaps?limit=500"],
      ["get", "/api/v1/namespaces/default/pods/api-7d9c5b8f6c-x2k4q/log?container=api&tailLines=100"],
      ["list", "/api/v1/nodes?limit=500"],
    ];
    const n = 4 + Math.floor(w.s.random() * 10);
    for (let i = 0; i < n; i++) {
      const [verb, uri] = w.pick(requests);
      w.request(cluster, w.at(start + i / 2000), person, verb, uri, 200);
    }
  }
  const elb = anonymous("ELB-HealthChecker/2.0", "10.0.0.12");
  const probe = anonymous("kube-probe/1.29+", "10.0.101.27");
  const monitor = anonymous("Prometheus/2.48.1", "10.0.150.5");
  for (let t = 0; t < 1; t += 1 / 240) w.request(cluster, w.at(t + w.s.random() / 500), elb, "get", "/healthz", 200, PUBLIC_INFO);
  for (let t = 0; t < 1; t += 1 / 120) {
    w.request(cluster, w.at(t + w.s.random() / 300), probe, "get", "/livez", 200, PUBLIC_INFO);
    w.request(cluster, w.at(t + w.s.random() / 300), probe, "get", "/readyz", 200, PUBLIC_INFO);
  }
  for (let t = 0; t < 1; t += 1 / 48) w.request(cluster, w.at(t + w.s.random() / 100), monitor, "get", "/version", 200, PUBLIC_INFO);
}

/** One scanner's burst against a cluster: `uris` in order, a few seconds apart, starting at `start`. */
function scan(w: Window, cluster: Cluster, start: number, caller: Caller, uris: Array<[string, string]>, repeat: number): void {
  let t = start;
  for (let r = 0; r < repeat; r++) {
    for (const [verb, uri] of uris) {
      const readOnly = verb === "get" || verb === "list" || verb === "watch";
      const publicInfo = /^\/(healthz|livez|readyz|version)/.test(uri);
      const allowed = publicInfo || (cluster.anonymousCanListPods && readOnly && !/secrets/.test(uri));
      w.request(cluster, w.at(t), caller, verb, uri, allowed ? 200 : 403, publicInfo ? PUBLIC_INFO : ANONYMOUS_VIEW);
      t += (1 + w.s.random() * 4) / (w.s.durationMs / 1000);
    }
  }
}

const LIST_PODS: [string, string] = ["list", "/api/v1/pods"];

/** Anonymous scanners from the internet (documentation address ranges). */
function scans(w: Window, [prod, staging, dev]: Cluster[]): void {
  scan(w, prod, 0.12, anonymous("curl/7.88.1", "203.0.113.45"), [["get", "/version"], LIST_PODS, ["get", "/api"]], 4);
  scan(w, prod, 0.31, anonymous("python-requests/2.31.0", "198.51.100.77"), [LIST_PODS], 6);
  scan(w, staging, 0.33, anonymous("python-requests/2.31.0", "198.51.100.77"), [LIST_PODS], 6);
  scan(w, prod, 0.47, anonymous("Go-http-client/1.1", "192.0.2.10"), [LIST_PODS], 25);
  scan(w, prod, 0.52, anonymous("Go-http-client/1.1", "127.0.0.1", "203.0.113.77"), [LIST_PODS, ["list", "/api/v1/secrets"]], 3);
  scan(w, staging, 0.58, anonymous("kube-hunter/0.6.8", "203.0.113.200"), [
    ["get", "/version"], LIST_PODS, ["list", "/api/v1/namespaces/kube-system/pods"], ["list", "/api/v1/nodes"],
    ["watch", "/api/v1/pods?watch=true"], ["list", "/api/v1/namespaces"], ["get", "/apis"],
  ], 2);
  for (const [cluster, at] of [[prod, 0.66], [staging, 0.67]] as Array<[Cluster, number]>) {
    scan(w, cluster, at, anonymous("Mozilla/5.0 zgrab/0.x", "198.51.100.9"), [["get", "/"], LIST_PODS], 1);
  }
  scan(w, staging, 0.74, anonymous("Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)", "192.0.2.201"), [["get", "/"], ["get", "/version"], LIST_PODS], 2);
  // The misconfigured cluster: anonymous may list pods, and someone finds out.
  scan(w, dev, 0.81, anonymous("python-requests/2.28.2", "192.0.2.66"), [LIST_PODS, ["list", "/api/v1/namespaces/default/pods"], ["list", "/api/v1/secrets"]], 1);
  // Only the broad match sees these: a paged list, a namespaced list, a watch.
  scan(w, prod, 0.86, anonymous("kubectl/v1.28.4 (linux/amd64) kubernetes/bae2c62", "203.0.113.150"), [["list", "/api/v1/pods?limit=500"]], 3);
  scan(w, prod, 0.88, anonymous("curl/8.5.0", "192.0.2.150"), [["list", "/api/v1/namespaces/payments/pods"]], 2);
  scan(w, staging, 0.9, anonymous("Go-http-client/1.1", "198.51.100.200"), [["watch", "/api/v1/pods?watch=1"]], 2);
}

/** All log events of one window, in no particular order. */
export function buildWindow(scenario: Scenario): TrafficEvent[] {
  const w = new Window(scenario);
  const all = clusters(w);
  for (const cluster of all) background(w, cluster);
  scans(w, all);
  return w.events;
}
