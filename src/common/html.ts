/**
 * Values come from users, builds and servers (run titles, GitHub's and AWS's
 * messages): escape them so a summary shows them as text, never as markup of
 * either language a job summary is read in. HTML's specials become numeric
 * character references; so do the characters Markdown builds links, images,
 * emphasis, code and tables from (`[`, `]`, `(`, `)`, `!`, `<`, `` ` ``, `*`,
 * `_`, `~`, `|`, `\`, `#`), and those GitHub's autolinks start from (`:` of a
 * scheme, `@` of an address, the `.` of `www.`). A reference shows as the
 * character itself but starts no syntax (CommonMark: "Entity and numeric
 * character references" are never taken as structure). Line breaks become
 * `<br>`: a blank line would end the HTML block a table sits in, and a new
 * line would end a `> [!WARNING]` quote, both handing the rest to Markdown.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/[&<>"'[\]()!`*_~|\\#:@]/g, ch => `&#${ch.charCodeAt(0)};`)
    .replace(/(w)(w)(w)\./gi, '$1$2$3&#46;')
    .replace(/\r\n|\r|\n/g, '<br>')
}
/**
 * A value for an attribute the project writes (a link's href): only HTML's
 * specials are escaped, since neither an attribute nor a URL is read as
 * Markdown, and a URL must stay a URL.
 */
export function escapeAttribute(text: string): string {
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
