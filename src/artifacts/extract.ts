import { createWriteStream } from 'node:fs'
import { mkdir, readlink, realpath, rm, symlink } from 'node:fs/promises'
import path from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import yauzl, { type Entry, type ZipFile } from 'yauzl'

/** Why an archive was refused: a problem with its content, not with the transfer. */
export class UnsafeArchiveError extends Error {}

const S_IFMT = 0o170000
const S_IFLNK = 0o120000
const S_IFDIR = 0o040000
/** A symlink's target is its entry's content; anything longer is not a path. */
const MAX_LINK_TARGET_BYTES = 4096

type Kind = 'directory' | 'file' | 'symlink'

interface Planned {
  readonly entry: Entry
  readonly kind: Kind
  readonly destination: string
  readonly mode: number
}

export interface Extracted {
  readonly files: number
  readonly bytes: number
}

/**
 * Extracts a zip file into `target`, streaming each entry to disk. Refused
 * before anything is written: entries that would land outside `target`
 * (`../`, absolute paths, drive letters) and archives whose declared size
 * passes `maxBytes`. While writing, the actual bytes are counted too, so an
 * archive that lies about its sizes is stopped at the limit. Symlinks are
 * created last (nothing is ever written through one) and only when they
 * point inside `target`. On any failure, what this call wrote is removed.
 */
export async function extractZip(file: string, target: string, maxBytes: number): Promise<Extracted> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true })
  const written: string[] = []
  try {
    const plan = planEntries(await readEntries(zip), target, maxBytes)
    await mkdir(target, { recursive: true })
    let bytes = 0
    const count = (n: number): void => {
      bytes += n
      if (bytes > maxBytes) throw new UnsafeArchiveError(`it expands past the limit of ${maxBytes} bytes`)
    }
    const links: { destination: string; target: string }[] = []
    for (const item of plan) {
      if (item.kind === 'directory') {
        await mkdir(item.destination, { recursive: true })
      } else if (item.kind === 'symlink') {
        links.push({ destination: item.destination, target: await readLinkTarget(zip, item.entry) })
      } else {
        await mkdir(path.dirname(item.destination), { recursive: true })
        written.push(item.destination)
        await pipeline(
          await zip.openReadStreamPromise(item.entry),
          counter(count),
          createWriteStream(item.destination, { mode: item.mode })
        )
      }
    }
    for (const link of links) {
      checkLinkTarget(link.destination, link.target, target)
      written.push(link.destination)
      await symlink(link.target, link.destination)
    }
    // Lexical checks cannot see a chain of links (a -> b/.., b -> .); the real paths can.
    const root = await realpath(target)
    for (const link of links) await checkResolvedLink(link.destination, root)
    return { files: written.length, bytes }
  } catch (error) {
    await Promise.all(written.map(f => rm(f, { force: true })))
    throw error
  } finally {
    zip.close()
  }
}

function readEntries(zip: ZipFile): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: Entry[] = []
    zip.on('entry', (entry: Entry) => {
      entries.push(entry)
      zip.readEntry()
    })
    zip.once('end', () => resolve(entries))
    // yauzl itself refuses absolute paths and `..` in names: the message says which entry.
    zip.once('error', (error: Error) => reject(new UnsafeArchiveError(error.message)))
    zip.readEntry()
  })
}

/** Checks every entry and the declared total before the first byte is written. */
function planEntries(entries: readonly Entry[], target: string, maxBytes: number): Planned[] {
  let declared = 0
  const plan = entries.map(entry => {
    declared += entry.uncompressedSize
    const unixMode = (entry.externalFileAttributes >>> 16) & 0xffff
    const kind: Kind = entry.fileName.endsWith('/')
      ? 'directory'
      : (unixMode & S_IFMT) === S_IFLNK
        ? 'symlink'
        : (unixMode & S_IFMT) === S_IFDIR
          ? 'directory'
          : 'file'
    const destination = safeDestination(entry.fileName, target)
    // Only permission bits, and at least owner read-write so the workflow can use the file.
    const mode = (unixMode & 0o777 || 0o644) | 0o600
    return { entry, kind, destination, mode }
  })
  if (declared > maxBytes) {
    throw new UnsafeArchiveError(`it declares ${declared} bytes uncompressed, over the limit of ${maxBytes} bytes`)
  }
  return plan
}

function isOutside(relative: string): boolean {
  return relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)
}

function safeDestination(name: string, target: string): string {
  const parts = name.split(/[\\/]/)
  if (
    /^[a-zA-Z]:/.test(name) ||
    name.startsWith('/') ||
    name.startsWith('\\') ||
    parts.includes('..') ||
    name.includes('\0')
  ) {
    throw new UnsafeArchiveError(`entry ${JSON.stringify(name)} would be written outside the target folder`)
  }
  const destination = path.join(target, ...parts.filter(p => p !== '' && p !== '.'))
  if (isOutside(path.relative(target, destination))) {
    throw new UnsafeArchiveError(`entry ${JSON.stringify(name)} would be written outside the target folder`)
  }
  return destination
}

function checkLinkTarget(link: string, linkTarget: string, root: string): void {
  const resolved = path.resolve(path.dirname(link), linkTarget)
  if (path.isAbsolute(linkTarget) || /^[a-zA-Z]:/.test(linkTarget) || isOutside(path.relative(root, resolved))) {
    throw new UnsafeArchiveError(
      `symlink ${JSON.stringify(path.relative(root, link))} points outside the target folder (${JSON.stringify(linkTarget)})`
    )
  }
}

async function checkResolvedLink(link: string, root: string): Promise<void> {
  let real: string
  try {
    real = await realpath(link)
  } catch {
    // Dangling: checked lexically already, and nothing is written through it.
    return
  }
  if (isOutside(path.relative(root, real))) {
    throw new UnsafeArchiveError(
      `symlink ${JSON.stringify(path.relative(root, link))} resolves outside the target folder (${JSON.stringify(await readlink(link))})`
    )
  }
}

async function readLinkTarget(zip: ZipFile, entry: Entry): Promise<string> {
  if (entry.uncompressedSize > MAX_LINK_TARGET_BYTES) {
    throw new UnsafeArchiveError(`symlink entry ${JSON.stringify(entry.fileName)} is too long to be a path`)
  }
  const chunks: Buffer[] = []
  for await (const chunk of (await zip.openReadStreamPromise(entry)) as Readable) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function counter(count: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        count(chunk.length)
        done(null, chunk)
      } catch (error) {
        done(error as Error)
      }
    }
  })
}
