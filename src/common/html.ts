/** Values come from users, builds and servers: escape them so a summary shows them as text, not markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, ch => `&#${ch.charCodeAt(0)};`)
}

/** A table cell: markup already escaped by the caller; a header cell when `header` is set. */
export type HtmlCell = string | { readonly html: string; readonly header: true }

/**
 * A table whose every element is closed whatever the cells hold. The
 * toolkit's `summary.addTable` leaves a cell with empty content unclosed
 * (`<td></tr>`), which breaks the layout of the rest of the summary.
 */
export function htmlTable(rows: readonly (readonly HtmlCell[])[]): string {
  const cell = (c: HtmlCell): string => (typeof c === 'string' ? `<td>${c}</td>` : `<th>${c.html}</th>`)
  return `<table>${rows.map(row => `<tr>${row.map(cell).join('')}</tr>`).join('')}</table>`
}
