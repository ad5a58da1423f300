/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testMatch: ['**/*.test.ts'],
  // Property-based and end-to-end suites run real HTTP over loopback; give them room on a 2-core CI machine.
  testTimeout: 30000
}
