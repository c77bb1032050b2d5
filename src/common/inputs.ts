import * as core from '@actions/core'

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
