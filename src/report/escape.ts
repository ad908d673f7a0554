/**
 * Text from the audit log (userAgent, requestURI, user names) is client-controlled: everything put into
 * the report goes through here, in element content and in double-quoted attributes alike.
 */
const ENTITIES: { [c: string]: string } = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** C0 and C1 controls (tab and newline aside) are shown as \xNN, as the table format shows them. */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function escapeHtml(value: string): string {
  return value
    .replace(/[&<>"']/g, (c) => ENTITIES[c])
    .replace(CONTROLS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
