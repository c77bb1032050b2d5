import { errorMessage } from '../common/errors.js'

/**
 * Runs `work`, then `cleanup` whatever happened. A cleanup that fails never
 * hides the real error: its trouble is added to that error's message as a
 * note (the cause stays the same object). After a success it goes to
 * `onCleanupTrouble`, since the work itself is done.
 */
export async function withCleanup<T>(
  work: () => Promise<T>,
  cleanup: () => Promise<void>,
  onCleanupTrouble: (message: string) => void
): Promise<T> {
  let result: T
  try {
    result = await work()
  } catch (error) {
    try {
      await cleanup()
    } catch (trouble) {
      if (error instanceof Error) error.message += ` (cleaning up afterwards failed too: ${errorMessage(trouble)})`
    }
    throw error
  }
  try {
    await cleanup()
  } catch (trouble) {
    onCleanupTrouble(`Cleaning up failed: ${errorMessage(trouble)}`)
  }
  return result
}
