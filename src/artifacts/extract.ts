import { closeSync, constants, createReadStream, fstatSync, futimesSync, openSync, writeSync } from 'node:fs'
import { lstat, mkdir, open, realpath, symlink, unlink, utimes } from 'node:fs/promises'
import path from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { inflateRawSync } from 'node:zlib'
import yauzl, { type Entry, type ZipFile } from 'yauzl'
import { crc32 } from './crc32.js'
import { FileWindow, ShortFileError } from './file-window.js'
import { walkLinkTarget } from './link-path.js'
import { foldName, gitComponentOf } from './path-names.js'
import { linkEscapes } from './real-path.js'

/** Why an archive was refused: a problem with its content, not with the transfer. */
export class UnsafeArchiveError extends Error {}

const S_IFMT = 0o170000
const S_IFLNK = 0o120000
const S_IFDIR = 0o040000
/** A symlink's target is its entry's content; anything longer is not a path. */
const MAX_LINK_TARGET_BYTES = 4096
/**
 * What each entry costs against the size limit besides its bytes: at least a
 * file system block and an inode, so a million empty entries are not free.
 */
export const ENTRY_COST_BYTES = 4096
/**
 * Refuses to create through a final symlink where the platform has
 * O_NOFOLLOW. Windows has none; there the staging folder is new and links are
 * created only after every file, so nothing can be followed. O_EXCL also
 * refuses an existing final link, everywhere.
 */
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0)

type Kind = 'directory' | 'file' | 'symlink'

export interface ExtractLimits {
  readonly maxBytes: number
  readonly maxEntries: number
}

export interface Extracted {
  readonly files: number
  readonly bytes: number
}

interface Link {
  readonly target: string
  /** Where it leads, relative to the root ("" is the root). */
  readonly resolved: string
}

/**
 * Checks a whole archive without writing anything: entry names, the entry
 * count, the declared size plus a cost per entry, and every symlink (its
 * target may neither leave the folder nor pass through another link).
 * Returns the links, the only entries kept in memory.
 */
export async function scanArchive(
  file: string,
  limits: ExtractLimits
): Promise<{ links: Map<string, Link>; files: number }> {
  const { zip, fd, window } = await openZip(file)
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw new UnsafeArchiveError(
        `it has ${zip.entryCount} entries, over the limit of ${limits.maxEntries} ("max-entries")`
      )
    }
    const targets = new Map<string, string>()
    /** Link names as the strictest file system compares them. */
    const folded = new Set<string>()
    let declared = 0
    let files = 0
    for await (const entry of entries(zip)) {
      const name = entryName(entry.fileName)
      declared += entry.uncompressedSize
      const kind = kindOf(entry)
      if (kind === 'file') files++
      if (kind !== 'symlink') continue
      if (folded.has(foldName(name))) {
        throw new UnsafeArchiveError(
          `symlink ${JSON.stringify(name)} appears twice (names are compared ignoring case and Unicode normalisation)`
        )
      }
      folded.add(foldName(name))
      targets.set(name, readLinkTarget(window, entry))
    }
    const charged = declared + zip.entryCount * ENTRY_COST_BYTES
    if (charged > limits.maxBytes) {
      throw new UnsafeArchiveError(
        `it declares ${declared} bytes uncompressed in ${zip.entryCount} entries, ${charged} bytes counting ` +
          `${ENTRY_COST_BYTES} per entry, over the limit of ${limits.maxBytes} bytes ("max-extracted-mb")`
      )
    }
    const links = new Map<string, Link>()
    for (const [name, target] of targets) {
      const git = gitComponentOf(target)
      if (git !== undefined) {
        throw new UnsafeArchiveError(
          `symlink ${JSON.stringify(name)} points into ${JSON.stringify(git)} (${JSON.stringify(target)}), git's own folder`
        )
      }
      const walk = walkLinkTarget(name, target, n => folded.has(foldName(n)))
      if ('refused' in walk) {
        throw new UnsafeArchiveError(
          `symlink ${JSON.stringify(name)} ${walk.refused} (${JSON.stringify(target)}); a link must point inside the folder, and not through another link`
        )
      }
      links.set(name, { target, resolved: walk.resolved })
    }
    return { links, files }
  } finally {
    zip.close()
    closeSync(fd)
  }
}

/**
 * Writes every entry into `folder` (a new, empty staging folder), streaming
 * one entry at a time so memory stays flat whatever the entry count. Each
 * entry's CRC-32 and the running total of bytes are checked as they stream;
 * files keep their modification times. Symlinks come last, after checking
 * that each one's target exists (a dangling link could later be written
 * through), and no entry may sit inside a link.
 */
export async function writeArchive(
  file: string,
  folder: string,
  links: ReadonlyMap<string, Link>,
  maxBytes: number
): Promise<number> {
  const { zip, fd, window } = await openZip(file)
  const foldedLinks = new Set([...links.keys()].map(foldName))
  let bytes = 0
  const count = (n: number): void => {
    bytes += n
    if (bytes > maxBytes) throw new UnsafeArchiveError(`it expands past the limit of ${maxBytes} bytes`)
  }
  try {
    let lastFolder = ''
    for await (const entry of entries(zip)) {
      const name = entryName(entry.fileName)
      const kind = kindOf(entry)
      if (kind === 'symlink') continue
      insideLink(name, foldedLinks)
      const destination = path.join(folder, ...name.split('/'))
      if (kind === 'directory') {
        await mkdir(destination, { recursive: true })
        continue
      }
      const parent = path.dirname(destination)
      if (parent !== lastFolder) {
        await mkdir(parent, { recursive: true })
        lastFolder = parent
      }
      await writeEntry(zip, window, entry, name, destination, count)
    }
  } finally {
    zip.close()
    closeSync(fd)
  }
  const root = links.size > 0 ? await realpath(folder) : folder
  for (const [name, link] of links) {
    const destination = path.join(folder, ...name.split('/'))
    const target = await lstat(path.join(folder, ...link.resolved.split('/').filter(Boolean))).catch(() => undefined)
    if (!target) {
      throw new UnsafeArchiveError(
        `symlink ${JSON.stringify(name)} dangles (${JSON.stringify(link.target)}): its target is not in the archive`
      )
    }
    await mkdir(path.dirname(destination), { recursive: true })
    try {
      // Windows needs to know whether a link is to a folder.
      await symlink(link.target, destination, target.isDirectory() ? 'dir' : 'file')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      throw new UnsafeArchiveError(`entry ${JSON.stringify(name)} is both a symlink and a file or folder`)
    }
    const escapes = await linkEscapes(root, destination)
    if (escapes !== undefined) {
      await unlink(destination)
      throw new UnsafeArchiveError(
        `symlink ${JSON.stringify(name)} (${JSON.stringify(link.target)}) ${escapes}; a link must lead inside the folder`
      )
    }
  }
  return bytes
}

async function writeEntry(
  zip: ZipFile,
  window: FileWindow,
  entry: Entry,
  name: string,
  destination: string,
  count: (n: number) => void
): Promise<void> {
  const unixMode = (entry.externalFileAttributes >>> 16) & 0xffff
  // Only permission bits, and at least owner read-write so the workflow can use the file.
  const mode = (unixMode & 0o777 || 0o644) | 0o600
  if (isSmall(entry)) {
    const data = readSmallEntry(window, entry, name)
    count(data.length)
    let out: number
    try {
      out = openSync(destination, CREATE_FLAGS, mode)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      throw new UnsafeArchiveError(`entry ${JSON.stringify(name)} appears twice`)
    }
    try {
      for (let done = 0; done < data.length;) done += writeSync(out, data, done, data.length - done)
      const modified = entry.getLastModDate()
      futimesSync(out, modified, modified)
    } finally {
      closeSync(out)
    }
    return
  }
  const source = (await zip.openReadStreamPromise(entry)) as Readable
  let handle
  try {
    handle = await open(destination, CREATE_FLAGS, mode)
  } catch (error) {
    source.destroy()
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    throw new UnsafeArchiveError(`entry ${JSON.stringify(name)} appears twice`)
  }
  // The write stream closes the handle when it finishes or fails.
  await pipeline(source, checked(entry, name, count), handle.createWriteStream())
  const modified = entry.getLastModDate()
  await utimes(destination, modified, modified)
}

/**
 * Reads the archive with plain synchronous reads through a window (see
 * FileWindow). yauzl's own file reader makes two thread-pool round trips per
 * entry just to list the archive; with tens of thousands of small entries
 * those round trips were most of the time. A step does nothing else
 * meanwhile, so blocking is fine.
 */
class SyncFileReader extends yauzl.RandomAccessReader {
  constructor(
    readonly window: FileWindow,
    readonly file: string
  ) {
    super()
  }

  /** Large entries stream through a file descriptor of their own: a shared one could be closed under the others. */
  override _readStreamForRange(start: number, end: number): Readable {
    return createReadStream(this.file, { start, end: end - 1 })
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null) => void
  ): void {
    try {
      readAt(this.window, buffer, offset, length, position)
    } catch (error) {
      callback(error as Error)
      return
    }
    callback(null)
  }

  /** The fd is closed by whoever opened it (see openZip), once yauzl is done. */
  override close(callback: (err: Error | null) => void): void {
    callback(null)
  }
}

function readAt(window: FileWindow, buffer: Buffer, offset: number, length: number, position: number): void {
  try {
    window.read(buffer, offset, length, position)
  } catch (error) {
    if (error instanceof ShortFileError) throw new UnsafeArchiveError(error.message)
    throw error
  }
}

interface OpenZip {
  readonly zip: ZipFile
  readonly fd: number
  /** For small entries' headers and data; yauzl reads the central directory through a window of its own. */
  readonly window: FileWindow
}

/** The caller closes `fd` after `zip.close()`: yauzl may ask the reader to close early when it reads synchronously. */
async function openZip(file: string): Promise<OpenZip> {
  const fd = openSync(file, 'r')
  const window = new FileWindow(fd)
  try {
    const zip = await yauzl.fromRandomAccessReaderPromise(
      new SyncFileReader(new FileWindow(fd), file),
      fstatSync(fd).size,
      {
        lazyEntries: true,
        autoClose: false,
        validateEntrySizes: true
      }
    )
    return { zip, fd, window }
  } catch (error) {
    closeSync(fd)
    throw new UnsafeArchiveError(error instanceof Error ? error.message : String(error))
  }
}

/** Entries up to this size are read, checked and written in one piece, with synchronous calls. */
const SMALL_ENTRY_BYTES = 1024 * 1024
const STORED = 0
const DEFLATED = 8

function isSmall(entry: Entry): boolean {
  return (
    entry.compressedSize <= SMALL_ENTRY_BYTES &&
    entry.uncompressedSize <= SMALL_ENTRY_BYTES &&
    !entry.isEncrypted() &&
    (entry.compressionMethod === STORED || entry.compressionMethod === DEFLATED)
  )
}

/**
 * One buffer for every small entry's header and raw bytes, grown as needed:
 * tens of thousands of entries would otherwise allocate two buffers each, and
 * the garbage collector took a fifth of the time. Safe to share because each
 * entry's bytes are used up (written or decoded) before the next is read.
 */
let scratch = Buffer.allocUnsafe(64 * 1024)

function scratchOf(length: number): Buffer {
  if (scratch.length < length) scratch = Buffer.allocUnsafe(length)
  return scratch.subarray(0, length)
}

/**
 * A small entry's bytes, read straight from its local header, inflated and
 * CRC-checked. A stored entry's bytes are in the shared scratch buffer: use
 * them before reading the next entry.
 */
function readSmallEntry(window: FileWindow, entry: Entry, name: string): Buffer {
  const header = Buffer.allocUnsafe(30)
  readAt(window, header, 0, 30, entry.relativeOffsetOfLocalHeader)
  if (header.readUInt32LE(0) !== 0x04034b50) {
    throw new UnsafeArchiveError(`entry ${JSON.stringify(name)} has no local file header where the directory says`)
  }
  const start = entry.relativeOffsetOfLocalHeader + 30 + header.readUInt16LE(26) + header.readUInt16LE(28)
  const raw = scratchOf(entry.compressedSize)
  readAt(window, raw, 0, entry.compressedSize, start)
  let data: Buffer
  try {
    data =
      entry.compressionMethod === STORED
        ? raw
        : inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.uncompressedSize + 1) })
  } catch (error) {
    throw new UnsafeArchiveError(`entry ${JSON.stringify(name)} cannot be inflated: ${(error as Error).message}`)
  }
  if (data.length !== entry.uncompressedSize) {
    throw new UnsafeArchiveError(
      `entry ${JSON.stringify(name)} holds ${data.length} bytes, the archive says ${entry.uncompressedSize}`
    )
  }
  const crc = crc32(data)
  if (crc >>> 0 !== entry.crc32 >>> 0) {
    throw new UnsafeArchiveError(
      `entry ${JSON.stringify(name)} is corrupt: its CRC-32 is ${hex(crc)}, the archive says ${hex(entry.crc32)}`
    )
  }
  return data
}

/** The archive's entries, one at a time; yauzl's own refusals (`../`, absolute names) become UnsafeArchiveErrors. */
async function* entries(zip: ZipFile): AsyncGenerator<Entry> {
  for (;;) {
    const entry = await nextEntry(zip)
    if (entry === undefined) return
    yield entry
  }
}

function nextEntry(zip: ZipFile): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    const settle = (): void => {
      zip.off('entry', onEntry)
      zip.off('end', onEnd)
      zip.off('error', onError)
    }
    const onEntry = (entry: Entry): void => {
      settle()
      resolve(entry)
    }
    const onEnd = (): void => {
      settle()
      resolve(undefined)
    }
    const onError = (error: Error): void => {
      settle()
      reject(new UnsafeArchiveError(error.message))
    }
    zip.on('entry', onEntry)
    zip.on('end', onEnd)
    zip.on('error', onError)
    zip.readEntry()
  })
}

function kindOf(entry: Entry): Kind {
  const unixMode = (entry.externalFileAttributes >>> 16) & 0xffff
  if (entry.fileName.endsWith('/') || (unixMode & S_IFMT) === S_IFDIR) return 'directory'
  return (unixMode & S_IFMT) === S_IFLNK ? 'symlink' : 'file'
}

/** An entry's name as "/"-separated parts, refused when it could land outside the folder or in git's own. */
function entryName(name: string): string {
  const parts = name.split(/[\\/]/).filter(p => p !== '' && p !== '.')
  if (
    /^[a-zA-Z]:/.test(name) ||
    name.startsWith('/') ||
    name.startsWith('\\') ||
    parts.includes('..') ||
    name.includes('\0') ||
    parts.length === 0
  ) {
    throw new UnsafeArchiveError(`entry ${JSON.stringify(name)} would be written outside the target folder`)
  }
  const git = gitComponentOf(name)
  if (git !== undefined) {
    throw new UnsafeArchiveError(
      `entry ${JSON.stringify(name)} would be written into ${JSON.stringify(git)}, git's own folder (git refuses such paths too)`
    )
  }
  return parts.join('/')
}

/** Refuses an entry below a link of the archive, names compared folded (see foldName). */
function insideLink(name: string, foldedLinks: ReadonlySet<string>): void {
  if (foldedLinks.size === 0) return
  const parts = name.split('/')
  for (let i = 1; i < parts.length; i++) {
    const above = parts.slice(0, i).join('/')
    if (foldedLinks.has(foldName(above))) {
      throw new UnsafeArchiveError(
        `entry ${JSON.stringify(name)} would be written through the symlink ${JSON.stringify(above)}`
      )
    }
  }
}

function readLinkTarget(window: FileWindow, entry: Entry): string {
  if (entry.uncompressedSize > MAX_LINK_TARGET_BYTES || !isSmall(entry)) {
    throw new UnsafeArchiveError(`symlink entry ${JSON.stringify(entry.fileName)} is too long to be a path`)
  }
  return readSmallEntry(window, entry, entry.fileName).toString('utf8')
}

/** Passes an entry's bytes on, counting them and checking its CRC-32 at the end. */
function checked(entry: Entry, name: string, count: (n: number) => void): Transform {
  let crc = 0
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        count(chunk.length)
        crc = crc32(chunk, crc)
        done(null, chunk)
      } catch (error) {
        done(error as Error)
      }
    },
    flush(done) {
      if (crc >>> 0 === entry.crc32 >>> 0) return done()
      done(
        new UnsafeArchiveError(
          `entry ${JSON.stringify(name)} is corrupt: its CRC-32 is ${hex(crc)}, the archive says ${hex(entry.crc32)}`
        )
      )
    }
  })
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0')
}
