import zlib from 'node:zlib'

/** zlib.crc32 exists from Node 20.15 and 22.2; the table below serves older Node 20 releases. */
type Crc32 = (data: Uint8Array, value?: number) => number

let table: Uint32Array | undefined

function tableCrc32(data: Uint8Array, value = 0): number {
  if (!table) {
    table = new Uint32Array(256)
    for (let n = 0; n < 256; n++) {
      let c = n
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
      table[n] = c >>> 0
    }
  }
  let crc = ~value >>> 0
  for (const byte of data) crc = (table[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8)
  return ~crc >>> 0
}

const native = (zlib as { crc32?: Crc32 }).crc32

/** CRC-32 (the zip one) of `data`, continuing from `value`. */
export const crc32: Crc32 = native ?? tableCrc32

/** For tests: the fallback, so both can be compared. */
export const crc32Fallback: Crc32 = tableCrc32
