import { codePointLength, preview, truncateCodePoints } from '../../../src/common/text.js'

describe('truncateCodePoints', () => {
  it('leaves text that fits alone', () => {
    expect(truncateCodePoints('abc', 3)).toBe('abc')
  })
  it('cuts to the limit, ending with an ellipsis', () => {
    expect(truncateCodePoints('abcdef', 4)).toBe('abc…')
  })
  it('never splits a surrogate pair', () => {
    const cut = truncateCodePoints('😀😀😀😀', 3)
    expect(cut).toBe('😀😀…')
    expect(codePointLength(cut)).toBe(3)
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(cut)).toBe(false)
  })
})

it('codePointLength counts astral characters once', () => {
  expect(codePointLength('a😀é')).toBe(3)
  expect('a😀é'.length).toBe(4)
})

it('preview quotes and cuts long values', () => {
  expect(preview('x'.repeat(100), 5)).toBe('"xxxxx…"')
  expect(preview('a"b')).toBe('"a\\"b"')
})
