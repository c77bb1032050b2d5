// A job summary as GitHub shows it: Markdown with HTML blocks, rendered by a
// CommonMark + GFM renderer (micromark, the reference-compliant one, with
// GitHub's extensions: autolinks, tables, strikethrough), raw HTML kept, then
// read with the HTML parser browsers use. What tests look at: the links and
// images a reader would see, and the text.
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { parseFragment, type DefaultTreeAdapterTypes } from 'parse5'

type Node = DefaultTreeAdapterTypes.Node

export interface Rendered {
  /** The href of every <a>, and the src of every <img>, in order. */
  readonly links: readonly string[]
  readonly images: readonly string[]
  /** The text a reader sees, entities decoded, line breaks and whitespace runs as one space. */
  readonly text: string
}

export function renderSummary(markdown: string): Rendered {
  const html = micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] })
  const links: string[] = []
  const images: string[] = []
  const texts: string[] = []
  const visit = (node: Node): void => {
    if ('tagName' in node) {
      const attribute = (name: string) => node.attrs.find(a => a.name === name)?.value ?? ''
      if (node.tagName === 'a') links.push(attribute('href'))
      if (node.tagName === 'img') images.push(attribute('src'))
      if (node.tagName === 'br') texts.push(' ')
    }
    if (node.nodeName === '#text' && 'value' in node) texts.push(node.value)
    if ('childNodes' in node) node.childNodes.forEach(visit)
  }
  visit(parseFragment(html))
  return { links, images, text: texts.join('').replace(/\s+/g, ' ') }
}
