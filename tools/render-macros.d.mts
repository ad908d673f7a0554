import type { Detection, Macro } from "./content.mjs";
export const FILTER_MACRO_DESCRIPTION: string;
export function renderMacros(content: { macros: Macro[]; detections: Detection[]; version: string }): string;
