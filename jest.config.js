/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  // Transpile only, file by file: ts-jest takes that from tsconfig.json's
  // isolatedModules (its own option of that name is deprecated). Type
  // checking is `npm run typecheck`.
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true }]
  },
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1'
  },
  testMatch: ['**/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/build/'],
  // npm run node24's copy of Node: nothing for jest to map or watch.
  modulePathIgnorePatterns: ['<rootDir>/.cache/'],
  // Many tests start a bundle or a CLI as a child process; on a loaded machine
  // (CI shares its cores) that takes longer than jest's 5 s default. Speed is
  // measured by npm run bench, never asserted by a timeout.
  testTimeout: 30_000,
  clearMocks: true
}
