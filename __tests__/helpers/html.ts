// Well-formedness of the HTML the actions write to the job summary, judged by
// a real HTML parser (parse5, the WHATWG algorithm browsers use), twice:
// - its tokenizer: every start tag is closed by a matching end tag, in order
//   (no stray or misnested end tag), and no tokenizer error;
// - its tree builder: every element written in the text ends at its own end
//   tag, not where the parser had to close it (`<td>a<td>b`, `<p><div>`).
import { parseFragment, Tokenizer, type DefaultTreeAdapterTypes, type Token } from 'parse5'

type Node = DefaultTreeAdapterTypes.Node
type Element = DefaultTreeAdapterTypes.Element

// Elements that have no end tag in HTML.
const VOID_ELEMENTS = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr'
])

/** Every way `html` is not well-formed, as readable lines; [] when it is. */
export function htmlProblems(html: string): string[] {
  return [...tagProblems(html), ...treeProblems(html)]
}

function tagProblems(html: string): string[] {
  const problems: string[] = []
  const open: Token.TagToken[] = []
  const at = (token: Token.TagToken): string =>
    token.location ? ` at line ${token.location.startLine}, column ${token.location.startCol}` : ''
  const ignore = (): void => undefined
  const tokenizer = new Tokenizer(
    { sourceCodeLocationInfo: true },
    {
      onStartTag: token => {
        if (!VOID_ELEMENTS.has(token.tagName)) open.push(token)
      },
      onEndTag: token => {
        const top = open.pop()
        if (top?.tagName === token.tagName) return
        problems.push(
          top
            ? `</${token.tagName}>${at(token)} while <${top.tagName}>${at(top)} is open`
            : `</${token.tagName}>${at(token)} closes nothing`
        )
        if (top) open.push(top)
      },
      onEof: () => {
        for (const token of open) problems.push(`<${token.tagName}>${at(token)} is never closed`)
      },
      onComment: ignore,
      onDoctype: ignore,
      onCharacter: ignore,
      onNullCharacter: ignore,
      onWhitespaceCharacter: ignore,
      onParseError: error => problems.push(`tokenizer error ${error.code} at line ${error.startLine}`)
    }
  )
  tokenizer.write(html, true)
  return problems
}

function treeProblems(html: string): string[] {
  const problems: string[] = []
  const fragment = parseFragment(html, { sourceCodeLocationInfo: true })
  const visit = (node: Node): void => {
    if (isElement(node)) {
      const location = node.sourceCodeLocation
      // No location: an element the parser implied (tbody), not one written in the text.
      if (location && !VOID_ELEMENTS.has(node.tagName) && !location.endTag) {
        problems.push(
          `<${node.tagName}> at line ${location.startLine}, column ${location.startCol} is closed by the parser, not by its end tag`
        )
      }
    }
    if ('childNodes' in node) for (const child of node.childNodes) visit(child)
  }
  visit(fragment)
  return problems
}

function isElement(node: Node): node is Element {
  return 'tagName' in node
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/**
 * A job summary's text as a reader sees it: character references decoded.
 * Foreign text is escaped for Markdown as well as HTML (`(` as `&#40;`), so a
 * test that looks for a message in the summary reads it through this.
 */
export function decodedText(summary: string): string {
  return summary.replace(
    /&(?:#(\d+)|#x([0-9a-f]+)|([a-z]+));/gi,
    (whole, dec?: string, hex?: string, name?: string) => {
      if (dec !== undefined) return String.fromCodePoint(Number(dec))
      if (hex !== undefined) return String.fromCodePoint(parseInt(hex, 16))
      return NAMED_ENTITIES[name?.toLowerCase() ?? ''] ?? whole
    }
  )
}
