import { jest } from '@jest/globals'
import type * as core from '@actions/core'

/** Inputs by name, as a workflow's `with:` block would give them. */
export const inputs: Record<string, string> = {}

export const getInput = jest.fn<typeof core.getInput>((name, options) => {
  const value = inputs[name] ?? ''
  return options?.trimWhitespace === false ? value : value.trim()
})
export const setOutput = jest.fn<typeof core.setOutput>()
export const setFailed = jest.fn<typeof core.setFailed>()
export const setSecret = jest.fn<typeof core.setSecret>()
export const info = jest.fn<typeof core.info>()
export const warning = jest.fn<typeof core.warning>()
export const debug = jest.fn<typeof core.debug>()
export const error = jest.fn<typeof core.error>()
/** Runs the group's body, recording its name in `groups` (the log shows the group folded). */
export const groups: string[] = []
export const group = jest.fn(async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
  groups.push(name)
  return fn()
})

/** The parts of core.summary the action uses, recording what was written. */
export const summaryWrites: string[] = []
const buffer: string[] = []
export const summary = {
  addHeading: jest.fn((text: string) => (buffer.push(`# ${text}`), summary)),
  addTable: jest.fn((rows: unknown[]) => (buffer.push(JSON.stringify(rows)), summary)),
  addRaw: jest.fn((text: string) => (buffer.push(text), summary)),
  write: jest.fn(async () => {
    summaryWrites.push(buffer.splice(0).join('\n'))
    return summary
  })
}

export function resetCore(): void {
  for (const key of Object.keys(inputs)) delete inputs[key]
  summaryWrites.length = 0
  groups.length = 0
  buffer.length = 0
}
