import type { Detection, Rba, Variant } from "./content.mjs";
export const STANZA_LABEL: string;
export function stanzaName(detection: Detection, variant?: Variant): string;
export function savedSearchNames(detection: Detection): string[];
export function riskJson(rba: Rba): string;
export function renderSavedSearches(content: { detections: Detection[]; version: string }): string;
export const RISK_ACTION_TYPES: string[];
export function stanzaType(detection: Detection, variant?: Variant): string;
