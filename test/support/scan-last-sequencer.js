// Jest's own order (slowest and failed first), except that the personal-data scan runs last: it
// reads what every other test file left in MongoDB, Kafka and the service logs.
const Sequencer = require('@jest/test-sequencer').default;

const LAST = /personal-data-scan\.test\.ts$/;

class ScanLastSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    return [...sorted.filter((t) => !LAST.test(t.path)), ...sorted.filter((t) => LAST.test(t.path))];
  }
}

module.exports = ScanLastSequencer;
