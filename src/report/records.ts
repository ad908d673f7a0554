/**
 * What the report reads from the hunt's rows: the records --format json prints (stats mode, enrich=true,
 * either grouping), and the figures of its summary. Pure functions, no I/O.
 */
export type ReportCell = string | string[] | number;
export type ReportRecord = { [column: string]: ReportCell };

/** The values of a cell: a multivalue's, one value, or none for "". */
export function valuesOf(cell: ReportCell | undefined): string[] {
  if (cell === undefined || cell === "") return [];
  if (Array.isArray(cell)) return cell;
  return [String(cell)];
}

export function isAllowed(record: ReportRecord): boolean {
  return valuesOf(record.outcome).includes("allowed");
}

/** The bare cluster a row belongs to (enrich's cluster; several are joined, as they are one row). */
export function clusterOf(record: ReportRecord): string {
  return valuesOf(record.cluster).join(", ") || "(no cluster)";
}

const numberOf = (cell: ReportCell | undefined) => (typeof cell === "number" ? cell : Number(cell) || 0);

/** Allowed scans first (an exposed cluster), then the most requests, then by cluster and address. */
export function reportOrder(records: ReportRecord[]): ReportRecord[] {
  return records
    .map((record, index) => ({ record, index }))
    .sort((a, b) => {
      const allowed = Number(isAllowed(b.record)) - Number(isAllowed(a.record));
      if (allowed !== 0) return allowed;
      const count = numberOf(b.record.count) - numberOf(a.record.count);
      return count !== 0 ? count : a.index - b.index; // the hunt's own order (cluster, address) breaks ties
    })
    .map((entry) => entry.record);
}

export interface ReportSummary {
  rows: number;
  requests: number; // the sum of count: scan requests
  allowedRows: number; // rows with any allowed request
  clusters: string[];
  exposedClusters: string[]; // clusters that answered at least one anonymous pod list
  clients: string[]; // distinct src_ip
  scannerFamilies: string[];
}

const sorted = (set: Set<string>) => Array.from(set).sort();

export function summarize(records: ReportRecord[]): ReportSummary {
  const clusters = new Set<string>();
  const exposed = new Set<string>();
  const clients = new Set<string>();
  const families = new Set<string>();
  let requests = 0;
  let allowedRows = 0;
  for (const record of records) {
    const cluster = clusterOf(record);
    clusters.add(cluster);
    for (const ip of valuesOf(record.src_ip)) clients.add(ip);
    for (const family of valuesOf(record.scanner)) families.add(family);
    requests += numberOf(record.count);
    if (isAllowed(record)) {
      exposed.add(cluster);
      allowedRows++;
    }
  }
  return {
    rows: records.length,
    requests,
    allowedRows,
    clusters: sorted(clusters),
    exposedClusters: sorted(exposed),
    clients: sorted(clients),
    scannerFamilies: sorted(families),
  };
}
