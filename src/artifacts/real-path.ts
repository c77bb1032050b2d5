import { lstat, realpath } from 'node:fs/promises'
import path from 'node:path'

/** True when `child` is `parent` or below it (both absolute and normalised). */
export function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child)
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative))
}

/**
 * The real path of `target` even when its last parts do not exist yet: the
 * deepest existing ancestor is resolved (symlinks followed) and the rest
 * appended. `existing` is that ancestor as given, `realExisting` resolved.
 */
export async function realPathOfDeepest(
  target: string
): Promise<{ real: string; existing: string; realExisting: string }> {
  let existing = path.resolve(target)
  const rest: string[] = []
  for (;;) {
    try {
      await lstat(existing)
      const realExisting = await realpath(existing)
      return { real: path.join(realExisting, ...rest), existing, realExisting }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      const parent = path.dirname(existing)
      if (parent === existing) throw error
      rest.unshift(path.basename(existing))
      existing = parent
    }
  }
}

/**
 * Why the link at `link` is unsafe once the file system resolves it, or
 * undefined: it must resolve (every step exists now, so nothing added later
 * can make it lead elsewhere) to `root` or below, `root` being a real path.
 * This is the file system's own answer, through every link already there, in
 * its own way of comparing names, which a check of the target's text cannot
 * give (`L -> .` then `l/l/..` on macOS).
 */
export async function linkEscapes(root: string, link: string): Promise<string | undefined> {
  let real: string
  try {
    real = await realpath(link)
  } catch (error) {
    return `does not resolve on disk (${(error as NodeJS.ErrnoException).code ?? String(error)})`
  }
  return isInside(root, real) ? undefined : `leads outside the folder, to ${real}`
}
