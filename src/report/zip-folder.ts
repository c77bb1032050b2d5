import { lstat, readdir, readlink } from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import yazl from 'yazl'

const S_IFLNK = 0o120000

/**
 * A folder as a zip stream. yazl reads each file only when its turn comes, so
 * memory stays flat whatever the folder's size. Symlinks are kept as links,
 * and only when they point inside the folder: a link to a runner file must
 * not smuggle it into the pipeline.
 */
export async function zipFolder(folder: string): Promise<Readable> {
  const zip = new yazl.ZipFile()
  await addFolder(zip, folder, '')
  const output = zip.outputStream as Readable
  // yazl reports a file it cannot read on the ZipFile, not the stream: pass it on, or the upload would wait forever.
  zip.on('error', (error: Error) => output.destroy(error))
  zip.end()
  return output
}

async function addFolder(zip: yazl.ZipFile, root: string, prefix: string): Promise<void> {
  const entries = (await readdir(path.join(root, prefix), { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0
  )
  if (entries.length === 0 && prefix !== '') zip.addEmptyDirectory(prefix)
  for (const entry of entries) {
    const name = prefix === '' ? entry.name : `${prefix}/${entry.name}`
    const full = path.join(root, ...name.split('/'))
    if (entry.isDirectory()) {
      await addFolder(zip, root, name)
    } else if (entry.isSymbolicLink()) {
      const target = await readlink(full)
      const resolved = path.resolve(path.dirname(full), target)
      const relative = path.relative(root, resolved)
      if (path.isAbsolute(target) || relative === '..' || relative.startsWith(`..${path.sep}`)) {
        throw new Error(`${name} is a symlink pointing outside the folder (${JSON.stringify(target)})`)
      }
      zip.addBuffer(Buffer.from(target), name, { mode: S_IFLNK | 0o777, compress: false })
    } else if (entry.isFile()) {
      const stat = await lstat(full)
      zip.addFile(full, name, { mtime: stat.mtime, mode: stat.mode })
    }
  }
}
