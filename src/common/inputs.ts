import * as core from '@actions/core'
import type { Env } from './env.js'
import { inputVariable } from './input-variable.js'

/**
 * Reads the named action inputs once, as the runner hands them over: strings,
 * '' when unset. Names in `untrimmed` keep their whitespace: multi-line
 * values whose lines matter.
 */
export function readInputs<N extends string>(
  names: readonly N[],
  untrimmed: readonly N[] = []
): Readonly<Record<N, string>> {
  const raw = {} as Record<N, string>
  for (const name of names) raw[name] = core.getInput(name, { trimWhitespace: !untrimmed.includes(name) })
  return raw
}

/**
 * Whether an input was handed over at all. `core.getInput` gives '' both for
 * an input set to '' and for one with no variable; only the variable's
 * presence tells them apart. A runner sets the variable for every input of
 * action.yml (the default when `with:` leaves it out), so for an input with a
 * default, '' means the workflow gave it as empty.
 */
export function inputGiven(env: Env = process.env): (name: string) => boolean {
  return name => env[inputVariable(name)] !== undefined
}
