// Copies each contract's OpenAPI fragment (src/contracts/<name>/openapi.yaml) next to its compiled
// code in dist/, where the contract loads it from. tsc copies no such files; fs.cpSync with a
// filter does it without another dependency.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
fs.cpSync(path.join(root, 'src', 'contracts'), path.join(root, 'dist', 'contracts'), {
  recursive: true,
  filter: (src) => fs.statSync(src).isDirectory() || src.endsWith('.yaml'),
});
