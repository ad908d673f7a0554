import { StatsGroup } from "./group";

/**
 * Finds the stats group of one by-field combination, creating it on first sight.
 *
 * Comparing two distinct string objects, or hashing a string the first time, costs far more than
 * the characters involved. So the index touches each event string as few times as it can: the few (cluster_name, user.username, user.groups{}) triples are
 * kept in a list and told apart by a couple of characters before any whole-string comparison (a
 * Map takes over only when there are many), only src_ip, which has many values, is hashed, and a
 * burst of events from one source IP reuses the previous group without any lookup.
 */
export class GroupIndex {
  /** Every group, in creation order. */
  readonly groups: StatsGroup[] = [];
  private readonly triples: Triple[] = [];
  private byKey: Map<string, Triple> | null = null;
  private last: Triple | undefined = undefined;
  /** Positions where sources of equal length were seen to differ (see Triple.matches). */
  private readonly probes: number[] = [];

  groupFor(ip: string, source: string, user: string, group: string): StatsGroup {
    let triple = this.last;
    if (triple === undefined || !triple.matches(source, user, group, this.probes)) {
      triple = this.tripleFor(source, user, group);
      this.last = triple;
    } else if (triple.lastGroup !== undefined && triple.lastGroup.srcIp === ip) {
      return triple.lastGroup;
    }
    let g = triple.byIp.get(ip);
    if (g === undefined) {
      g = new StatsGroup(ip, triple.source, triple.user, triple.group);
      triple.byIp.set(g.srcIp, g);
      this.groups.push(g);
    }
    triple.lastGroup = g;
    return g;
  }

  private tripleFor(source: string, user: string, group: string): Triple {
    const byKey = this.byKey;
    if (byKey !== null) {
      const key = tripleKey(source, user, group);
      let t = byKey.get(key);
      if (t === undefined) {
        t = this.add(source, user, group);
        byKey.set(key, t);
      }
      return t;
    }
    const triples = this.triples;
    for (let i = 0; i < triples.length; i++) {
      if (triples[i].matches(source, user, group, this.probes)) return triples[i];
    }
    const created = this.add(source, user, group);
    if (triples.length > FEW_TRIPLES) {
      this.byKey = new Map();
      for (const t of triples) this.byKey.set(tripleKey(t.source, t.user, t.group), t);
    }
    return created;
  }

  private add(source: string, user: string, group: string): Triple {
    const created = new Triple(source, user, group, this.probes);
    for (const other of this.triples) this.probeBetween(other, created);
    this.triples.push(created);
    return created;
  }

  /** Adds a probe position where two sources of one length differ, unless one already does. */
  private probeBetween(a: Triple, b: Triple): void {
    const x = a.source;
    const y = b.source;
    if (x.length !== y.length || x === y || this.probes.length >= MAX_PROBES) return;
    if (a.last !== b.last || a.probeCodes.some((code, i) => code !== b.probeCodes[i])) return;
    let at = 0;
    while (x.charCodeAt(at) === y.charCodeAt(at)) at++;
    this.probes.push(at);
    for (const t of this.triples) t.probeCodes.push(t.source.charCodeAt(at) | 0);
    b.probeCodes.push(y.charCodeAt(at) | 0);
  }
}

/** Up to this many triples are searched in a list; past it, through a Map. */
const FEW_TRIPLES = 16;
const MAX_PROBES = 4;

/** The groups of one (cluster_name, user.username, user.groups{}), by src_ip. */
class Triple {
  readonly source: string;
  readonly user: string;
  readonly group: string;
  readonly byIp = new Map<string, StatsGroup>();
  lastGroup: StatsGroup | undefined = undefined;
  /** The source's last character: a CloudWatch source ends with its log stream's random hex id. */
  readonly last: number;
  /** The source's characters at the index's probe positions (0 past its end). */
  readonly probeCodes: number[];

  constructor(source: string, user: string, group: string, probes: number[]) {
    this.source = source;
    this.user = user;
    this.group = group;
    this.last = source.charCodeAt(source.length - 1);
    this.probeCodes = probes.map((at) => source.charCodeAt(at) | 0);
  }

  /** Whether the values are this triple's: cheap character checks first, whole strings last. */
  matches(source: string, user: string, group: string, probes: number[]): boolean {
    const n = source.length;
    if (n !== this.source.length || source.charCodeAt(n - 1) !== this.last) return false;
    for (let i = 0; i < probes.length; i++) {
      if ((source.charCodeAt(probes[i]) | 0) !== this.probeCodes[i]) return false;
    }
    return source === this.source && user === this.user && group === this.group;
  }
}

/** Length prefixes make the key unambiguous whatever characters the values contain. */
function tripleKey(source: string, user: string, group: string): string {
  return source.length + ":" + source + user.length + ":" + user + group;
}
