export interface RiskObject {
  field: string;
  type: "user" | "system" | "other";
  score: number;
}
export interface ThreatObject {
  field: string;
  type: string;
}
export interface Rba {
  message: string;
  risk_objects: RiskObject[];
  threat_objects?: ThreatObject[];
}
export interface Variant {
  suffix: string;
  id: string;
  description: string;
  search: string;
  /** Overrides the detection's type for this variant's stanza (Anomaly gets the risk action). */
  type?: string;
  /** Overrides the detection's rba for this variant (its search outputs other fields). */
  rba?: Rba;
}
export interface Detection {
  name: string;
  id: string;
  version: number;
  creation_date: string;
  modification_date: string;
  author: string;
  status: string;
  type: string;
  description: string;
  data_source?: string[];
  search: string;
  how_to_implement: string;
  known_false_positives: string;
  references: string[];
  rba: Rba;
  tags: {
    analytic_story: string[];
    asset_type: string;
    confidence: number;
    impact: number;
    risk_score: number;
    kill_chain_phases: string[];
    mitre_attack_id: string[];
    nist: string[];
    cis20: string[];
    product: string[];
    required_fields: string[];
    security_domain: string;
  };
  variants?: Variant[];
}
export interface Macro {
  name: string;
  definition: string;
  description: string;
  arguments?: string[];
}
export function filterMacroName(detectionName: string): string;
export function loadDetections(root: string): Detection[];
export function loadMacros(root: string): Macro[];
