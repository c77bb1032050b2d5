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
