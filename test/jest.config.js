// Integration tests: Kafka and the MongoDB-wire server start once per run (global setup); each
// test file starts its own platform with its own databases and topics.
const preset = require('@kyc/jest-preset');

module.exports = {
  ...preset,
  rootDir: __dirname,
  // chaos/: crash and restart under load (its own broker, the run's MongoDB-wire server).
  testMatch: ['<rootDir>/integration/**/*.test.ts', '<rootDir>/chaos/**/*.test.ts'],
  // ali-oss ships .ts sources beside its .js: resolve .js first so its compiled code runs.
  moduleFileExtensions: ['js', 'ts', 'json'],
  globalSetup: '<rootDir>/support/global-setup.ts',
  globalTeardown: '<rootDir>/support/global-teardown.ts',
  testSequencer: '<rootDir>/support/scan-last-sequencer.js',
  testTimeout: 120_000,
  slowTestThreshold: 30,
};
