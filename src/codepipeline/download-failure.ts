import { namedErrorMessage } from '../common/errors.js'

/** A body that stopped before its end: worth resuming. Answers such as 412 (object replaced) or 403 are not. */
export function isCutShort(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as NodeJS.ErrnoException).code
  return (
    error.message === 'aborted' ||
    error.message.startsWith('the body ended') ||
    code === 'ECONNRESET' ||
    code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    error.name === 'TimeoutError'
  )
}

/** The error a download ends with: why, in the words a user can act on. */
export function downloadFailure(error: unknown, attempts: number, received: number, size?: number): Error {
  const where = size === undefined ? '' : ` after ${received} of ${size} bytes`
  const why = isCutShort(error)
    ? `the connection dropped${where}, ${attempts} attempt(s) (max-attempts)`
    : error instanceof Error && error.name === 'PreconditionFailed'
      ? `the object was replaced while it was being downloaded (its ETag changed${where}); run the step again`
      : namedErrorMessage(error)
  return new Error(`download failed: ${why}`, { cause: error })
}
