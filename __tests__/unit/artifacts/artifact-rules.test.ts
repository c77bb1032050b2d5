import { randomBytes } from 'node:crypto'
import { crc32 as zlibCrc32 } from 'node:zlib'
import { crc32Fallback } from '../../../src/artifacts/crc32.js'
import { withCleanup } from '../../../src/artifacts/cleanup.js'
import { walkLinkTarget } from '../../../src/artifacts/link-path.js'
import {
  DEFAULT_PART_SIZE,
  S3_MIN_PART_SIZE,
  S3_MAX_PARTS,
  S3_MAX_PART_SIZE,
  PARTS_IN_FLIGHT_BYTES,
  partSizeFor,
  partsInFlight
} from '../../../src/codepipeline/artifact-s3.js'
import { dnsSuffix, serviceUrl } from '../../../src/codepipeline/client.js'

describe('CRC-32 fallback (for Node 20 before 20.15)', () => {
  it('matches zlib on random data, in one go and in pieces', () => {
    const data = randomBytes(100_003)
    expect(crc32Fallback(data)).toBe(zlibCrc32(data))
    const split = crc32Fallback(data.subarray(40_000), crc32Fallback(data.subarray(0, 40_000)))
    expect(split).toBe(zlibCrc32(data))
  })
})

describe('walkLinkTarget', () => {
  const links = new Set(['y', 'sub/here'])
  const isLink = (n: string): boolean => links.has(n)

  it.each([
    ['a', 'b/c', { resolved: 'b/c' }],
    ['sub/a', '../b', { resolved: 'b' }],
    ['sub/a', '.', { resolved: 'sub' }],
    ['a', '..', { refused: 'points outside the target folder' }],
    ['a', '/etc/passwd', { refused: 'is absolute or empty' }],
    ['a', 'C:\\Windows', { refused: 'is absolute or empty' }],
    ['build.log', 'y/y/y/../../../ESCAPED', { refused: 'passes through the symlink "y"' }],
    ['x', 'y/..', { refused: 'passes through the symlink "y"' }],
    ['sub/x', 'here', { refused: 'passes through the symlink "sub/here"' }]
  ])('%s -> %s', (name, target, expected) => {
    expect(walkLinkTarget(name, target, isLink)).toEqual(expected)
  })
})

describe('partSizeFor', () => {
  it("keeps S3's smallest part for a known size up to 10,000 of them, then grows in whole MiB", () => {
    // An unknown size (a stream) gets the default, whose 10,000 parts reach 78 GiB.
    expect(partSizeFor(undefined)).toBe(DEFAULT_PART_SIZE)
    expect(DEFAULT_PART_SIZE * S3_MAX_PARTS).toBeGreaterThan(78 * 2 ** 30)
    expect(partSizeFor(1024)).toBe(S3_MIN_PART_SIZE)
    expect(partSizeFor(S3_MIN_PART_SIZE * S3_MAX_PARTS)).toBe(S3_MIN_PART_SIZE)
    expect(partSizeFor(S3_MIN_PART_SIZE * S3_MAX_PARTS + 1)).toBe(S3_MIN_PART_SIZE + 2 ** 20)
    for (const size of [S3_MIN_PART_SIZE * S3_MAX_PARTS + 1, 200 * 2 ** 30, 5 * 2 ** 40]) {
      const part = partSizeFor(size)
      expect(part % 2 ** 20).toBe(0)
      expect(Math.ceil(size / part)).toBeLessThanOrEqual(S3_MAX_PARTS)
      expect(part).toBeLessThanOrEqual(S3_MAX_PART_SIZE)
    }
  })
})

describe('partsInFlight', () => {
  it('sends as many parts at once as the memory for them holds, and never fewer than two', () => {
    expect(partsInFlight(S3_MIN_PART_SIZE)).toBe(3)
    expect(partsInFlight(DEFAULT_PART_SIZE)).toBe(2)
    expect(partsInFlight(S3_MAX_PART_SIZE)).toBe(2)
    for (const part of [S3_MIN_PART_SIZE, 6 * 2 ** 20, DEFAULT_PART_SIZE]) {
      const n = partsInFlight(part)
      expect(n * part <= PARTS_IN_FLIGHT_BYTES || n === 2).toBe(true)
    }
  })
})

describe('the partition DNS suffix, shared by the CodePipeline and S3 clients', () => {
  it('is amazonaws.com.cn in China Regions', () => {
    expect(dnsSuffix('cn-north-1')).toBe('amazonaws.com.cn')
    expect(dnsSuffix('eu-west-1')).toBe('amazonaws.com')
    expect(serviceUrl({ region: 'cn-northwest-1', maxAttempts: 1 } as never, {}).host).toBe(
      'codepipeline.cn-northwest-1.amazonaws.com.cn'
    )
  })
})

describe('withCleanup', () => {
  it('keeps the real error and adds the cleanup trouble as a note', async () => {
    const cause = new Error('CRC mismatch')
    const failing = withCleanup(
      () => Promise.reject(cause),
      () => Promise.reject(Object.assign(new Error('EISDIR: illegal operation on a directory'), { code: 'EISDIR' })),
      () => undefined
    )
    await expect(failing).rejects.toBe(cause)
    expect(cause.message).toBe(
      'CRC mismatch (cleaning up afterwards failed too: EISDIR: illegal operation on a directory)'
    )
  })

  it('after a success, reports cleanup trouble without failing', async () => {
    const notes: string[] = []
    await expect(
      withCleanup(
        () => Promise.resolve(7),
        () => Promise.reject(new Error('busy')),
        m => notes.push(m)
      )
    ).resolves.toBe(7)
    expect(notes).toEqual(['Cleaning up failed: busy'])
  })
})
