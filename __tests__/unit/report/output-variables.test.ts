import { OUTPUT_VARIABLES_MAX_BYTES } from '../../../src/codepipeline/constraints.js'
import { outputVariablesSize, parseOutputVariables } from '../../../src/report/output-variables.js'

describe('JSON object', () => {
  it('keeps strings and sends numbers and booleans as the text written', () => {
    expect(parseOutputVariables('{"S":"text","N":1.5,"BIG":1e21,"T":true,"F":false,"Z":-0}')).toEqual({
      variables: { S: 'text', N: '1.5', BIG: '1e21', T: 'true', F: 'false', Z: '-0' },
      skipped: [],
      problems: []
    })
  })
  it.each([
    ['1e400', '1e400'],
    ['12345678901234567890', '12345678901234567890'],
    ['1.0', '1.0'],
    ['-0.000E-7', '-0.000E-7']
  ])('keeps the number %s as written, where JSON.parse would not', (written, sent) => {
    expect(parseOutputVariables(`{ "N" : ${written} , "M":"after"}`).variables).toEqual({ N: sent, M: 'after' })
  })
  it('decodes escapes in names and values', () => {
    expect(parseOutputVariables('{"A\\u0042":"line\\none \\"q\\" \\\\ \\u00e9"}').variables).toEqual({
      AB: 'line\none "q" \\ é'
    })
  })
  it('refuses a name given twice, naming it, where JSON.parse keeps the last silently', () => {
    expect(parseOutputVariables('{"A":"1","B":"2","A":"3"}')).toMatchObject({
      variables: { A: '1', B: '2' },
      problems: ['"output-variables" repeats the name "A": each name may appear once']
    })
  })
  it('reads past nested values with brackets and quotes in their strings', () => {
    expect(parseOutputVariables('{"O":{"x":"}\\"]","y":[{}]},"A":"a"}')).toMatchObject({
      variables: { A: 'a' },
      problems: [expect.stringContaining('key "O" holds an object')]
    })
  })
  it('checks the names of null values too', () => {
    expect(parseOutputVariables('{"bad name":null,"x\\n::error::y":null}').problems).toEqual([
      expect.stringContaining('name "bad name" is not allowed'),
      expect.stringContaining('name "x\\n::error::y" is not allowed')
    ])
  })
  it.each([
    ['JSON', '{"__proto__":"p","A":"a"}'],
    ['NAME=value', '__proto__=p\nA=a']
  ])('keeps a variable named __proto__ (%s form) as an ordinary name', (_form, text) => {
    const { variables, problems } = parseOutputVariables(text)
    expect(problems).toEqual([])
    expect(Object.keys(variables)).toEqual(['__proto__', 'A'])
    expect(Object.getOwnPropertyDescriptor(variables, '__proto__')?.value).toBe('p')
    expect(JSON.parse(JSON.stringify(variables)) as unknown).toEqual(JSON.parse('{"__proto__":"p","A":"a"}'))
  })
  it('skips null values', () => {
    expect(parseOutputVariables('{"A":null,"B":"b"}')).toMatchObject({ variables: { B: 'b' }, skipped: ['A'] })
  })
  it('names the key of a nested object or array', () => {
    expect(parseOutputVariables('{"OBJ":{"x":1},"ARR":[1]}').problems).toEqual([
      '"output-variables" key "OBJ" holds an object; values must be strings, numbers, booleans or null',
      '"output-variables" key "ARR" holds an array; values must be strings, numbers, booleans or null'
    ])
  })
  it('reports invalid JSON', () => {
    expect(parseOutputVariables('  {"A": }').problems).toEqual([
      expect.stringMatching(/^"output-variables" starts with "\{" but is not valid JSON: /)
    ])
  })
  it('is detected after leading whitespace', () => {
    expect(parseOutputVariables('\n  {"A":"1"}\n').variables).toEqual({ A: '1' })
  })
})

describe('NAME=value lines', () => {
  it('trims names, keeps values as they are, allows empty values', () => {
    expect(parseOutputVariables('  IMAGE = app:1 \nEMPTY=\nURL=https://x/?a=b\r\n').variables).toEqual({
      IMAGE: ' app:1 ',
      EMPTY: '',
      URL: 'https://x/?a=b'
    })
  })
  it('ignores blank lines and # comments', () => {
    expect(parseOutputVariables('# a comment\n\n   \n  # indented comment\nA=1')).toEqual({
      variables: { A: '1' },
      skipped: [],
      problems: []
    })
  })
  it('names a line without "="', () => {
    expect(parseOutputVariables('A=1\njust text').problems).toEqual([
      '"output-variables" line 2 has no "=": expected NAME=value (got "just text")'
    ])
  })
  it('names a repeated name and the line it first appeared on', () => {
    expect(parseOutputVariables('A=1\nB=2\nA=3').problems).toEqual([
      '"output-variables" line 3 repeats the name "A" from line 1'
    ])
  })
})

describe('keys', () => {
  it.each(['has space', 'dot.ted', 'ünï', ''])('refuses %p', key => {
    expect(parseOutputVariables(JSON.stringify({ [key]: 'v' })).problems).toEqual([
      expect.stringContaining(`name ${JSON.stringify(key)} is not allowed`)
    ])
  })
  it('allows letters, digits, @, - and _', () => {
    expect(parseOutputVariables('{"a-Z_0@9":"v"}').problems).toEqual([])
  })
})

describe('total size', () => {
  it('counts UTF-8 bytes of keys and values', () => {
    expect(outputVariablesSize({ AB: 'é', C: '😀' })).toBe(2 + 2 + 1 + 4)
  })
  it('allows exactly the limit and refuses one byte more, giving size and limit', () => {
    const value = (n: number) => 'v'.repeat(n - 1)
    expect(parseOutputVariables(JSON.stringify({ K: value(OUTPUT_VARIABLES_MAX_BYTES) })).problems).toEqual([])
    expect(parseOutputVariables(JSON.stringify({ K: value(OUTPUT_VARIABLES_MAX_BYTES) + 'é' })).problems).toEqual([
      `"output-variables" total ${OUTPUT_VARIABLES_MAX_BYTES + 2} bytes (UTF-8 keys plus values), over CodePipeline's limit of ${OUTPUT_VARIABLES_MAX_BYTES} bytes`
    ])
  })
})

it('empty input means no variables', () => {
  expect(parseOutputVariables('  \n ')).toEqual({ variables: {}, skipped: [], problems: [] })
})
