import { open, type FileHandle } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { downloadFailure, isCutShort } from './download-failure.js'
import type { ArtifactLocation } from './job-details.js'

const MiB = 1024 * 1024
/**
 * Objects past this size are fetched in pieces, several at once: one stream
 * over one connection rarely fills the link to S3 (the AWS CLI fetches 8 MiB
 * ranges on ten threads). Below it, one GET is as fast and simpler.
 */
export const LARGE_OBJECT_BYTES = 16 * MiB
export const PIECE_BYTES = 8 * MiB
/** Each piece streams straight to its place in the file: memory is a socket buffer per piece, not the piece. */
export const PIECES_IN_FLIGHT = 4

/** The answer to the first, whole-object GET, whose body serves as the first piece. */
export interface FirstAnswer {
  readonly body: Readable
  readonly etag: string
  readonly size: number
}

interface Piece {
  readonly start: number
  /** Exclusive. */
  readonly end: number
}

interface Transfer {
  readonly client: S3Client
  readonly artifact: ArtifactLocation
  readonly handle: FileHandle
  readonly etag: string
  readonly size: number
  readonly maxAttempts: number
  readonly onResume: (message: string) => void
  readonly signal: AbortSignal
  received: number
}

/**
 * Downloads a large object as PIECE_BYTES ranges, PIECES_IN_FLIGHT at once,
 * each written at its offset in `file`. Every ranged GET is pinned by
 * If-Match to the first answer's ETag, so pieces of a replaced object are
 * never mixed; a piece whose body is cut resumes where it stopped, up to
 * `maxAttempts` GETs for that piece. The first failure stops the others.
 */
export async function downloadInPieces(
  client: S3Client,
  artifact: ArtifactLocation,
  file: string,
  first: FirstAnswer,
  maxAttempts: number,
  onResume: (message: string) => void
): Promise<void> {
  const pieces: Piece[] = []
  for (let start = PIECE_BYTES; start < first.size; start += PIECE_BYTES) {
    pieces.push({ start, end: Math.min(first.size, start + PIECE_BYTES) })
  }
  const handle = await open(file, 'w')
  const stop = new AbortController()
  let failure: unknown
  const transfer: Transfer = {
    client,
    artifact,
    handle,
    etag: first.etag,
    size: first.size,
    maxAttempts,
    onResume,
    signal: stop.signal,
    received: 0
  }
  const settle = (work: Promise<void>): Promise<void> =>
    work.catch((error: unknown) => {
      failure ??= error
      stop.abort()
    })
  let next = 0
  const worker = async (): Promise<void> => {
    for (let piece = pieces[next++]; piece && !stop.signal.aborted; piece = pieces[next++]) {
      await fetchPiece(transfer, piece)
    }
  }
  try {
    await handle.truncate(first.size)
    await Promise.all([
      settle(fetchPiece(transfer, { start: 0, end: Math.min(first.size, PIECE_BYTES) }, first.body)),
      ...Array.from({ length: PIECES_IN_FLIGHT - 1 }, () => settle(worker()))
    ])
  } finally {
    first.body.destroy()
    await handle.close()
  }
  if (failure !== undefined) throw failure
}

/** One piece, resumed where its body stopped when the connection drops. */
async function fetchPiece(transfer: Transfer, piece: Piece, firstBody?: Readable): Promise<void> {
  const { client, artifact, etag, maxAttempts, signal } = transfer
  const at = { position: piece.start }
  let body = firstBody
  for (let attempt = 1; ; attempt++) {
    try {
      if (!body) {
        const range = `bytes=${at.position}-${piece.end - 1}`
        const answer = await client.send(
          new GetObjectCommand({ Bucket: artifact.bucket, Key: artifact.key, Range: range, IfMatch: etag }),
          { abortSignal: signal }
        )
        body = answer.Body as Readable | undefined
        if (!body) throw new Error(`S3 returned no body for artifact ${artifact.name}`)
        // A store that ignores Range sends the whole object: it cannot be placed at this piece's offset.
        if (!answer.ContentRange?.startsWith(`bytes ${at.position}-`)) {
          throw new Error(`S3 answered ${range} of artifact ${artifact.name} with another range`)
        }
      }
      await writeAt(transfer, body, at, piece.end)
      if (at.position < piece.end) {
        throw new Error(`the body ended after ${at.position - piece.start} of ${piece.end - piece.start} bytes`)
      }
      return
    } catch (error) {
      body?.destroy()
      body = undefined
      if (signal.aborted || !isCutShort(error) || attempt >= maxAttempts) {
        throw downloadFailure(error, attempt, transfer.received, transfer.size)
      }
      transfer.onResume(
        `The download of ${artifact.name} dropped in bytes ${piece.start}-${piece.end - 1} after ${at.position - piece.start} of them; ` +
          `resuming (attempt ${attempt + 1} of ${maxAttempts}).`
      )
    }
  }
}

/** Writes the body at `at.position` onwards, up to `end`; leaving the loop early closes the body. */
async function writeAt(transfer: Transfer, body: Readable, at: { position: number }, end: number): Promise<void> {
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (transfer.signal.aborted) throw new Error('stopped: another piece failed')
    const length = Math.min(chunk.length, end - at.position)
    for (let done = 0; done < length;) {
      done += (await transfer.handle.write(chunk, done, length - done, at.position + done)).bytesWritten
    }
    at.position += length
    transfer.received += length
    if (at.position >= end) return
  }
}
