/** Values come from users, builds and servers: escape them so a summary shows them as text, not markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, ch => `&#${ch.charCodeAt(0)};`)
}
