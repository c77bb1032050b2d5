import { lstat, mkdir, mkdtemp, readdir, rename, rm, unlink } from 'node:fs/promises'
import path from 'node:path'
import { UnsafeArchiveError } from './extract.js'
import { isInside, linkEscapes, realPathOfDeepest } from './real-path.js'

/** Where an archive is staged before it is placed: a new folder on the target's file system, inside the workspace. */
export interface Staging {
  readonly folder: string
  /** The target's real path. */
  readonly target: string
  readonly targetExists: boolean
}

const STAGING_PREFIX = '.codepipeline-artifact-'

/**
 * Checks that `target` stays inside the workspace by real paths (a symlink at
 * or above it that leads out is refused), and that it is a real folder when
 * it exists. Then makes the staging folder in the deepest folder that exists
 * (the target itself, or an ancestor), so the final move is a rename on one
 * file system and nothing new appears above the target until it succeeds.
 */
export async function prepareStaging(target: string, workspace: string): Promise<Staging> {
  const [root, deepest] = await Promise.all([realPathOfDeepest(workspace), realPathOfDeepest(target)])
  if (!isInside(root.real, deepest.real)) {
    throw new UnsafeArchiveError(
      `the folder ${target} is outside the workspace ${workspace} once symlinks are resolved (${deepest.real})`
    )
  }
  const existing = await lstat(deepest.existing)
  const targetExists = deepest.existing === path.resolve(target)
  if (targetExists && !existing.isDirectory()) {
    throw new UnsafeArchiveError(
      `${target} exists and is not a folder${existing.isSymbolicLink() ? ' (a symlink)' : ''}`
    )
  }
  const folder = await mkdtemp(path.join(deepest.realExisting, STAGING_PREFIX))
  return { folder, target: deepest.real, targetExists }
}

/**
 * Moves the staged files into the target. Into a new target: one rename.
 * Into an existing folder: every collision is found before anything moves,
 * and refused unless `overwrite` allows replacing files (a folder or a symlink
 * is never replaced, nor anything written through a symlink), so a refusal
 * leaves the folder exactly as it was, and the links already there keep
 * leading where they were checked to lead. When the archive had links
 * (`hasLinks`), each one is checked again where it landed, through whatever
 * the folder already held; one that leads out is removed and the archive
 * refused.
 */
export async function placeStaged(staging: Staging, overwrite: boolean, hasLinks = true): Promise<void> {
  if (!staging.targetExists) {
    await mkdir(path.dirname(staging.target), { recursive: true })
    await rename(staging.folder, staging.target)
    return
  }
  const moves: [string, string][] = []
  const collisions: string[] = []
  await planMerge(staging.folder, staging.target, '', overwrite, moves, collisions)
  if (collisions.length > 0) {
    const shown = collisions.slice(0, 5).map(c => JSON.stringify(c))
    throw new UnsafeArchiveError(
      `it would replace ${collisions.length} existing item(s) in ${staging.target}: ${shown.join(', ')}` +
        `${collisions.length > shown.length ? ', …' : ''}. Nothing was changed; ` +
        (overwrite
          ? 'folders and symlinks to folders are never replaced'
          : 'set "overwrite: true" to let the archive replace existing files')
    )
  }
  for (const [from, to] of moves) await rename(from, to)
  await rm(staging.folder, { recursive: true, force: true })
  if (hasLinks) for (const [, to] of moves) await checkLinksAt(staging.target, to)
}

/** Checks every link at or below `item` (see linkEscapes); removes the first that leads out and throws. */
async function checkLinksAt(root: string, item: string): Promise<void> {
  const stat = await lstat(item)
  if (stat.isDirectory()) {
    for (const child of await readdir(item)) await checkLinksAt(root, path.join(item, child))
    return
  }
  if (!stat.isSymbolicLink()) return
  const escapes = await linkEscapes(root, item)
  if (escapes === undefined) return
  await unlink(item)
  throw new UnsafeArchiveError(
    `symlink ${JSON.stringify(path.relative(root, item))} ${escapes} once placed among the files already in ${root}; ` +
      'it was removed'
  )
}

async function planMerge(
  from: string,
  to: string,
  prefix: string,
  overwrite: boolean,
  moves: [string, string][],
  collisions: string[]
): Promise<void> {
  for (const item of await readdir(from, { withFileTypes: true })) {
    const source = path.join(from, item.name)
    const destination = path.join(to, item.name)
    const name = prefix ? `${prefix}/${item.name}` : item.name
    const there = await lstat(destination).catch(() => undefined)
    if (!there) moves.push([source, destination])
    else if (item.isDirectory() && there.isDirectory())
      await planMerge(source, destination, name, overwrite, moves, collisions)
    // rename replaces a file itself, never what a link points to. A link already there is kept: replacing it
    // could change where an older link through it leads.
    else if (overwrite && !item.isDirectory() && !there.isDirectory() && !there.isSymbolicLink())
      moves.push([source, destination])
    else collisions.push(name)
  }
}
