/**
 * Where a symlink's target leads, walked one name at a time from the link's
 * folder, with paths relative to the root as "/"-separated names ("" is the
 * root itself). Refused: absolute targets, a step above the root, and any
 * step through another symlink. The last rule is what makes a chain of links
 * (`y -> .`, `x -> y/y/../..`) harmless: a lexical check cannot see where a
 * link inside the target goes, so a target may pass through none.
 */
export function walkLinkTarget(
  linkName: string,
  target: string,
  isLink: (name: string) => boolean
): { resolved: string } | { refused: string } {
  if (target === '' || /^[a-zA-Z]:/.test(target) || target.startsWith('/') || target.startsWith('\\')) {
    return { refused: 'is absolute or empty' }
  }
  if (target.includes('\0')) return { refused: 'contains a NUL character' }
  const here = linkName.split('/').slice(0, -1)
  for (const part of target.split(/[\\/]/)) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (here.length === 0) return { refused: 'points outside the target folder' }
      here.pop()
      continue
    }
    here.push(part)
    const name = here.join('/')
    if (isLink(name)) return { refused: `passes through the symlink ${JSON.stringify(name)}` }
  }
  return { resolved: here.join('/') }
}
