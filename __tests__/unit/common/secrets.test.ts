import { maskSecret } from '../../../src/common/secrets.js'

describe('maskSecret', () => {
  it('registers each line of a multi-line value, so the line-by-line masker hides every line', () => {
    const masked: string[] = []
    maskSecret('first\n::error::second\r\nthird\r\n\n  \nlast', value => masked.push(value))
    expect(masked).toEqual(['first', '::error::second', 'third', 'last'])
  })
  it('registers a one-line value as it is', () => {
    const masked: string[] = []
    maskSecret('ghs_token', value => masked.push(value))
    expect(masked).toEqual(['ghs_token'])
  })
})
