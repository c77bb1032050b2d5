import { neutralizeCommands, quoteForLog } from '../../../src/common/log-text.js'

describe('neutralizeCommands', () => {
  it.each([
    ['x\n::error title=Injected::boom', 'x\n⟦::error title=Injected::boom'],
    ['::add-mask::secret', '⟦::add-mask::secret'],
    ['a\n   ::warning::w', 'a\n   ⟦::warning::w'],
    ['a\r\n##[error]legacy', 'a\r\n##⟦[error]legacy'],
    // The runner finds the legacy form anywhere in a line, not only at its start.
    ['Reporting ##[add-mask]x and ##[error]y', 'Reporting ##⟦[add-mask]x and ##⟦[error]y'],
    // .NET's TrimStart also drops NEL (U+0085), which JavaScript's \s does not match.
    ['a\n\u0085::error::nel', 'a\n\u0085⟦::error::nel'],
    ['a\r::error::cr only', 'a\r⟦::error::cr only']
  ])('no line of %j starts a workflow command', (text, expected) => {
    const safe = neutralizeCommands(text)
    expect(safe).toBe(expected)
    expect(safe.split(/\r\n|\r|\n/).some(line => /^[\s\u0085]*::|##\[/.test(line))).toBe(false)
  })

  it('leaves ordinary text alone, colons in the middle included', () => {
    expect(neutralizeCommands('Job 1: done :: ok')).toBe('Job 1: done :: ok')
  })
})

describe('quoteForLog', () => {
  it('keeps a value on one line', () => {
    expect(quoteForLog('a\n::error::b')).toBe('"a\\n::error::b"')
  })
  it('breaks a legacy command inside the quotes', () => {
    expect(quoteForLog('##[error]x')).toBe('"##⟦[error]x"')
  })
})
