import { readSync } from 'node:fs'

/** Thrown when a read asks for bytes past the end of the file. */
export class ShortFileError extends Error {}

/**
 * How much of the file one read brings in. Small enough that an archive whose
 * entries jump about (each read missing the window) costs little more per
 * read than reading exactly what was asked.
 */
export const WINDOW_BYTES = 64 * 1024

/**
 * Synchronous reads of an open file through one reused window of
 * WINDOW_BYTES. A zip is read in order (its central directory, then each
 * entry's header and data), so almost every small read is a copy from the
 * window: one system call per window instead of several per entry. Reads as
 * large as the window go straight to the file. Memory stays one window,
 * whatever the archive holds. Reads of two regions that alternate (the
 * central directory and the entries' data) need a window each.
 */
export class FileWindow {
  private readonly window = Buffer.allocUnsafe(WINDOW_BYTES)
  /** The file offset of window[0], and how many bytes of the window are valid. */
  private start = 0
  private filled = 0

  constructor(readonly fd: number) {}

  /** Fills `buffer[offset, offset + length)` with the file's bytes from `position`, or throws ShortFileError. */
  read(buffer: Uint8Array, offset: number, length: number, position: number): void {
    if (length === 0) return
    if (length >= WINDOW_BYTES) {
      readFully(this.fd, buffer, offset, length, position)
      return
    }
    if (position < this.start || position + length > this.start + this.filled) this.fill(position)
    if (position + length > this.start + this.filled) throw new ShortFileError('the archive ends early')
    const from = position - this.start
    buffer.set(this.window.subarray(from, from + length), offset)
  }

  private fill(position: number): void {
    this.start = position
    this.filled = 0
    while (this.filled < WINDOW_BYTES) {
      const n = readSync(this.fd, this.window, this.filled, WINDOW_BYTES - this.filled, position + this.filled)
      if (n === 0) break
      this.filled += n
    }
  }
}

function readFully(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): void {
  for (let done = 0; done < length;) {
    const n = readSync(fd, buffer, offset + done, length - done, position + done)
    if (n === 0) throw new ShortFileError('the archive ends early')
    done += n
  }
}
