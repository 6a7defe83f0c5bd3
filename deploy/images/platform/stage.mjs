#!/usr/bin/env node
// Stages what the platform image carries, from a checkout whose workspaces are built (dist/):
// the production dependency closure of every service and of the operator command `kyc`
// (packages/operator-cli, which operators run in a pod), as `npm ls --omit=dev` resolves it (so
// the test tooling and compilers stay out), and the compiled workspaces without sources or tool
// configuration. Prints a sha256 over the staged content (paths, modes, link targets, bytes):
// the image tag carries it, so an unchanged build output is never built twice.
//
// Usage: node stage.mjs ROOT            print the hash only (nothing is copied)
//        node stage.mjs ROOT CONTEXT    also write CONTEXT/deps (third-party packages) and
//                                       CONTEXT/app (workspaces, their links, package.json)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Directory and file names of a workspace that only building, testing or linting need. */
const DEV_DIRS = new Set(['node_modules', 'src', 'scripts', 'test', 'tests', '__tests__', 'coverage', '.turbo']);
const DEV_FILES = [/^tsconfig.*\.json$/, /^eslint\.config\./, /^jest\.config\./, /\.tsbuildinfo$/, /\.d\.ts$/, /\.map$/, /\.(spec|test)\.js$/, /\.md$/, /^buf(\.gen)?\.yaml$/];

function fail(message) {
  process.stderr.write(`stage: ${message}\n`);
  process.exit(1);
}

const [root, context] = process.argv.slice(2).map((p) => p && path.resolve(p));
if (!root) fail('usage: stage.mjs ROOT [CONTEXT]');

const services = fs
  .readdirSync(path.join(root, 'services'))
  .filter((name) => fs.existsSync(path.join(root, 'services', name, 'package.json')))
  .sort();
if (services.length === 0) fail(`no services under ${root}/services`);

/** The operator command's workspace: it runs in the services' pods, with their environment. */
const OPERATOR_CLI = 'packages/operator-cli';

/** Every installed package the services and `kyc` need at run time, as absolute paths (links not followed). */
function productionClosure() {
  const args = ['ls', '--omit=dev', '--all', '--parseable', ...services.map((s) => `--workspace=services/${s}`), `--workspace=${OPERATOR_CLI}`];
  try {
    const out = execFileSync('npm', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20, timeout: 120_000 });
    return [...new Set(out.split('\n').filter((p) => p && p !== root))].sort();
  } catch (err) {
    fail(`npm ${args.join(' ')} failed (run npm ci first?):\n${err.stderr || err.message}`);
  }
}

/** Staged entries by destination (relative to CONTEXT): files to copy, links to make, generated files. */
const entries = new Map();
const add = (dest, entry) => entries.set(dest.split(path.sep).join('/'), entry);
const modeOf = (stat) => (stat.mode & 0o111 ? 0o755 : 0o644);

function addTree(src, dest, skip = () => false) {
  for (const dirent of fs.readdirSync(src, { withFileTypes: true })) {
    const from = path.join(src, dirent.name);
    const to = path.join(dest, dirent.name);
    if (skip(dirent)) continue;
    if (dirent.isDirectory()) addTree(from, to, skip);
    else if (dirent.isSymbolicLink()) add(to, { link: fs.readlinkSync(from) });
    else if (dirent.isFile()) add(to, { file: from, mode: modeOf(fs.statSync(from)) });
  }
}

const workspaceSkip = (dirent) =>
  dirent.isDirectory() ? DEV_DIRS.has(dirent.name) : DEV_FILES.some((pattern) => pattern.test(dirent.name));

function addWorkspace(dir) {
  const rel = path.relative(root, dir);
  if (entries.has(`app/${rel}/package.json`)) return;
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  for (const entry of [manifest.main, ...Object.values(manifest.bin ?? {})].filter(Boolean)) {
    if (!fs.existsSync(path.join(dir, entry))) fail(`${rel}/${entry} is missing: build the workspaces first (npx turbo run build)`);
  }
  addTree(dir, path.join('app', rel), workspaceSkip);
}

const packages = productionClosure();
const copied = new Set();
for (const abs of packages) {
  const rel = path.relative(root, abs);
  if (rel.startsWith('..')) fail(`${abs} lies outside ${root}`);
  const stat = fs.lstatSync(abs);
  if (stat.isSymbolicLink()) {
    // A workspace, linked from node_modules: the link goes with the code, the workspace is staged.
    add(path.join('app', rel), { link: fs.readlinkSync(abs) });
    addWorkspace(fs.realpathSync(abs));
    continue;
  }
  // A package inside one already staged (its own node_modules) came with it.
  const parts = rel.split(path.sep);
  const insideCopied = parts.some((_, i) => i > 0 && copied.has(parts.slice(0, i).join(path.sep)));
  if (insideCopied) continue;
  copied.add(rel);
  addTree(abs, path.join('deps', rel));
}
for (const service of services) addWorkspace(path.join(root, 'services', service));
addWorkspace(path.join(root, OPERATOR_CLI));

// The root manifest, reduced to what describes the image's content.
const rootManifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const { name, description, license, engines } = rootManifest;
add('app/package.json', { content: `${JSON.stringify({ name, private: true, description, license, engines }, null, 2)}\n`, mode: 0o644 });

const hash = createHash('sha256');
for (const dest of [...entries.keys()].sort()) {
  const entry = entries.get(dest);
  hash.update(`${dest}\0`);
  if (entry.link !== undefined) hash.update(`link\0${entry.link}\0`);
  else hash.update(`${entry.mode.toString(8)}\0`).update(entry.content ?? fs.readFileSync(entry.file)).update('\0');
}

if (context) {
  for (const [dest, entry] of entries) {
    const to = path.join(context, dest);
    fs.mkdirSync(path.dirname(to), { recursive: true, mode: 0o755 });
    if (entry.link !== undefined) fs.symlinkSync(entry.link, to);
    else {
      if (entry.content !== undefined) fs.writeFileSync(to, entry.content);
      else fs.copyFileSync(entry.file, to);
      fs.chmodSync(to, entry.mode);
    }
  }
}
process.stdout.write(`${hash.digest('hex')}\n`);
