// The crash-and-restart test under load (npm run test:chaos): outside the test command because,
// on a 2-core machine with the dev MongoDB-wire server, the platform does not yet sustain the
// load it needs (see the test's header); same infrastructure set-up as the integration tests.
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/chaos/**/*.test.ts'],
  testSequencer: undefined,
};
