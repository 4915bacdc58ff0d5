// CommonJS project + @swc/jest (docs/decisions/0001): @middy/core, the OpenID Connect client and
// the development provider ship ESM only, so they are let through the transform instead of
// running jest in ESM mode.
const esmOnly = ['@middy', 'openid-client', 'oauth4webapi', 'jose', 'oidc-provider'].join('|');

const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
  '^.+\\.m?js$': ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' } }],
  '^.+\\.lua$': '<rootDir>/test/helpers/lua-transform.js',
};

const shared = {
  // Node's environment plus the log capture that `npm run test:logs` scans.
  testEnvironment: '<rootDir>/test/helpers/log-capture-environment.js',
  transform,
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json', 'lua'],
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly})/)`],
  setupFiles: ['<rootDir>/test/helpers/setup-env.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  // One worker per core, not jest's default of cores - 1: most suites wait on servers and child
  // processes, and on a 2-core machine the default leaves one core idle (the whole suite took twice
  // as long). Every time bound in the tests is set for a loaded machine.
  maxWorkers: '100%',
  coverageProvider: 'v8',
  collectCoverageFrom: ['functions/**/*.ts', 'dev/**/*.ts', 'lib/**/*.ts'],
  coverageReporters: ['text-summary', 'lcov'],
  globalSetup: '<rootDir>/test/helpers/log-capture-reset.js',
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
    },
    { ...shared, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    // fast-check properties through the real handler; PROPERTY_RUNS cases each (default 500).
    { ...shared, displayName: 'property', testMatch: ['<rootDir>/test/property/**/*.test.ts'] },
  ],
};
