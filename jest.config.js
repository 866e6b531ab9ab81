/** Tests run the real app on a real PostgreSQL: see tests/helpers/global-setup.mjs. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
    // openapi-backend requires this ESM-only package; Node 20.19+ loads it natively, Jest's CJS runtime cannot.
    // jose is ESM-only too.
    '^.+/(@apidevtools/json-schema-ref-parser|jose)/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@apidevtools/json-schema-ref-parser|jose)/)'],
  globalSetup: '<rootDir>/tests/helpers/global-setup.mjs',
  globalTeardown: '<rootDir>/tests/helpers/global-teardown.mjs',
  // Two cores here: one file per core; each file has its own database.
  maxWorkers: 2,
  testTimeout: 30000,
};
