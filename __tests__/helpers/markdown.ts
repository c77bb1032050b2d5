// Reading the repository's Markdown: which files there are, and their fenced
// code blocks. Shared by the metadata and docs tests.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

/** Dependencies and build output: no Markdown of the project's own. */
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'build', 'coverage', '.git', '.cache', '.bench'])

/** Every Markdown file under root, as sorted paths relative to it with forward slashes. */
export function markdownFiles(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap(entry => {
      if (entry.isDirectory()) return SKIPPED_FOLDERS.has(entry.name) ? [] : markdownFiles(root, join(dir, entry.name))
      return entry.name.endsWith('.md') ? [relative(root, join(dir, entry.name)).split('\\').join('/')] : []
    })
    .sort()
}

export interface CodeBlock {
  /** The block's first line in its file, counting from 1. */
  readonly line: number
  readonly text: string
}

/** The fenced blocks of one language (```yaml) in a Markdown text. */
export function codeBlocks(markdown: string, language: string): CodeBlock[] {
  const lines = markdown.split('\n')
  const blocks: CodeBlock[] = []
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```' + language) continue
    const end = lines.findIndex((line, j) => j > i && line.trim() === '```')
    if (end < 0) break
    blocks.push({ line: i + 2, text: lines.slice(i + 1, end).join('\n') + '\n' })
    i = end
  }
  return blocks
}

/** The YAML blocks of a Markdown file of the repository. */
export function yamlBlocksOf(root: string, file: string): CodeBlock[] {
  return codeBlocks(readFileSync(join(root, file), 'utf8'), 'yaml')
}
