import { constants, lstatSync } from 'node:fs'
import { lstat, open, readdir, readlink } from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import yazl from 'yazl'
import { walkLinkTarget } from '../artifacts/link-path.js'
import { isGitFolderName } from '../artifacts/path-names.js'
import { linkEscapes } from '../artifacts/real-path.js'

const S_IFLNK = 0o120000
/** Opens a file without following a final symlink where the platform can (not Windows; see openNoFollow). */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0)
/** Zip headers per entry (local, central, data descriptor, zip64 extras), generously, besides the name twice. */
const ENTRY_OVERHEAD_BYTES = 200

export interface ZippedFolder {
  readonly stream: Readable
  /** At least the zip's size: sizes the upload's parts. */
  readonly sizeBound: number
}

/**
 * A folder as a zip stream. yazl reads each file only when its turn comes, so
 * memory stays flat whatever the folder's size. Symlinks are kept as links,
 * under the same rule as on extraction: the target must exist inside the
 * folder and may not pass through another link (so `y -> .`, `x -> y/..`
 * stops the upload). A link to a runner file must not smuggle it into the
 * pipeline, and files are opened without following a final link, so one
 * swapped in after the walk is refused rather than read. Git's own folder
 * (`.git`, in every spelling git refuses) stops it too: it holds the
 * checkout's credentials, and its hooks would run wherever it is extracted.
 * `folder` is a real path.
 */
export async function zipFolder(folder: string): Promise<ZippedFolder> {
  const zip = new yazl.ZipFile()
  const sizeBound = await addFolder(zip, folder, '')
  const output = zip.outputStream as Readable
  // yazl reports a file it cannot read on the ZipFile, not the stream: pass it on, or the upload would wait forever.
  zip.on('error', (error: Error) => output.destroy(error))
  zip.end()
  return { stream: output, sizeBound: sizeBound + 22 }
}

async function addFolder(zip: yazl.ZipFile, root: string, prefix: string): Promise<number> {
  const entries = (await readdir(path.join(root, prefix), { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0
  )
  let bound = 0
  if (entries.length === 0 && prefix !== '') {
    zip.addEmptyDirectory(prefix)
    bound += ENTRY_OVERHEAD_BYTES + 2 * Buffer.byteLength(prefix)
  }
  for (const entry of entries) {
    const name = prefix === '' ? entry.name : `${prefix}/${entry.name}`
    if (isGitFolderName(entry.name)) {
      throw new Error(
        `${name} is git's own folder, which an artifact may not carry (it holds the checkout's credentials and ` +
          'hooks); zip a build folder instead of the checkout'
      )
    }
    const full = path.join(root, ...name.split('/'))
    const overhead = ENTRY_OVERHEAD_BYTES + 2 * Buffer.byteLength(name)
    if (entry.isDirectory()) {
      bound += await addFolder(zip, root, name)
    } else if (entry.isSymbolicLink()) {
      const target = await readlink(full)
      await checkLink(root, name, target)
      zip.addBuffer(Buffer.from(target), name, { mode: S_IFLNK | 0o777, compress: false })
      bound += overhead + Buffer.byteLength(target)
    } else if (entry.isFile()) {
      const stat = await lstat(full)
      zip.addReadStreamLazy(name, { mtime: stat.mtime, mode: stat.mode, size: stat.size }, done => {
        openNoFollow(full).then(
          stream => done(null, stream),
          (error: unknown) => done(error as Error, undefined as unknown as Readable)
        )
      })
      // Deflate can grow incompressible data by a few bytes per 16 KiB block.
      bound += overhead + Math.ceil(stat.size * 1.001) + 64
    }
  }
  return bound
}

async function checkLink(root: string, name: string, target: string): Promise<void> {
  const walk = walkLinkTarget(
    name,
    target,
    n => lstatSync(path.join(root, ...n.split('/')), { throwIfNoEntry: false })?.isSymbolicLink() ?? false
  )
  if ('refused' in walk) {
    throw new Error(
      `${name} is a symlink that ${walk.refused} (${JSON.stringify(target)}); a link must point inside the folder, and not through another link`
    )
  }
  const there = await lstat(path.join(root, ...walk.resolved.split('/').filter(Boolean))).catch(() => undefined)
  if (!there) throw new Error(`${name} is a symlink whose target does not exist (${JSON.stringify(target)})`)
  // The file system's own answer, in its own way of comparing names (see linkEscapes).
  const escapes = await linkEscapes(root, path.join(root, ...name.split('/')))
  if (escapes !== undefined) throw new Error(`${name} is a symlink that ${escapes} (${JSON.stringify(target)})`)
}

/**
 * Windows has no O_NOFOLLOW: there a file is checked with lstat just before it
 * is opened, which leaves only a short race in a folder the workflow owns.
 */
async function openNoFollow(file: string): Promise<Readable> {
  if (constants.O_NOFOLLOW === undefined) {
    if ((await lstat(file)).isSymbolicLink()) throw new Error(`${file} became a symlink while it was being zipped`)
  }
  const handle = await open(file, READ_FLAGS)
  return handle.createReadStream() as unknown as Readable
}
