import { randomBytes } from 'node:crypto'
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { FileWindow, ShortFileError, WINDOW_BYTES } from '../../../src/artifacts/file-window.js'

describe('FileWindow', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'file-window-'))
  const content = randomBytes(WINDOW_BYTES * 3 + 123)
  const file = path.join(dir, 'data.bin')
  writeFileSync(file, content)
  let fd: number

  beforeEach(() => {
    fd = openSync(file, 'r')
  })
  afterEach(() => closeSync(fd))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const read = (window: FileWindow, position: number, length: number, offset = 0): Buffer => {
    const buffer = Buffer.alloc(length + offset)
    window.read(buffer, offset, length, position)
    return buffer.subarray(offset)
  }

  it('gives the file bytes for reads in order, across window edges, backwards, and larger than the window', () => {
    const window = new FileWindow(fd)
    const reads: [number, number][] = [
      [0, 30],
      [30, 100],
      [WINDOW_BYTES - 10, 20],
      [5, 7],
      [WINDOW_BYTES * 2 + 1, WINDOW_BYTES],
      [WINDOW_BYTES * 3, 123],
      [17, WINDOW_BYTES * 2 + 50],
      [WINDOW_BYTES * 3 + 122, 1]
    ]
    for (const [position, length] of reads) {
      expect(read(window, position, length).equals(content.subarray(position, position + length))).toBe(true)
    }
  })

  it('writes at the offset asked, leaving the rest of the buffer alone', () => {
    const buffer = Buffer.alloc(50, 0xee)
    new FileWindow(fd).read(buffer, 10, 20, 1000)
    expect(buffer.subarray(10, 30).equals(content.subarray(1000, 1020))).toBe(true)
    expect(buffer.subarray(0, 10).every(b => b === 0xee)).toBe(true)
    expect(buffer.subarray(30).every(b => b === 0xee)).toBe(true)
  })

  it('refuses reads past the end, small or large', () => {
    const window = new FileWindow(fd)
    expect(() => read(window, content.length - 5, 10)).toThrow(ShortFileError)
    expect(() => read(window, content.length + 1, 1)).toThrow(ShortFileError)
    expect(() => read(window, content.length - WINDOW_BYTES, WINDOW_BYTES + 1)).toThrow(ShortFileError)
    expect(read(window, content.length - 5, 5).equals(content.subarray(-5))).toBe(true)
  })
})
