// Copies each contract's OpenAPI fragment (src/contracts/<name>/openapi.yaml) next to its compiled
// code in dist/, where the contract loads it from, and Scalar's browser bundle (a build-time
// dependency; the package does not export the file, so it is found beside its main entry) to
// dist/docs/, where /docs serves it from. tsc copies no such files; fs needs no other dependency.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
fs.cpSync(path.join(root, 'src', 'contracts'), path.join(root, 'dist', 'contracts'), {
  recursive: true,
  filter: (src) => fs.statSync(src).isDirectory() || src.endsWith('.yaml'),
});

const scalar = path.join(path.dirname(require.resolve('@scalar/api-reference')), 'browser', 'standalone.js');
fs.mkdirSync(path.join(root, 'dist', 'docs'), { recursive: true });
fs.copyFileSync(scalar, path.join(root, 'dist', 'docs', 'scalar-standalone.js'));
