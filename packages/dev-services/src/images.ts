import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Engine, EngineKind } from './engine';
import { withLock } from './lock';
import { runPhase } from './phase';
import { findRepoRoot, run, type Log } from './util';

export const OFFICIAL_KAFKA_IMAGE = 'apache/kafka:3.9.1';
export const OFFICIAL_MONGO_IMAGE = 'mongo:7';

/** Recipes under deploy/images/<name> that build a local image. */
export type Recipe = 'kafka' | 'ferretdb';

export const RECIPES: Record<Recipe, { repository: string; version: string }> = {
  kafka: { repository: 'localhost/kyc-kafka', version: '3.9.1' },
  ferretdb: { repository: 'localhost/kyc-ferretdb', version: '1.24.2' },
};

export type ImageSource = 'configured' | 'official' | 'local';

export interface ImageChoice {
  image: string;
  source: ImageSource;
  /** Set when the image is built locally from deploy/images/<recipe>. */
  recipe?: Recipe;
}

export interface ImageSelection {
  kafka: ImageChoice;
  mongo: ImageChoice;
}

/**
 * Which default images to use, before looking at the network:
 * KYC_DEV_IMAGES=local|official forces it; podman (no registry here) means local;
 * a Docker engine means official if a registry turns out to be reachable ('auto').
 */
export function defaultImageMode(env: NodeJS.ProcessEnv, kind: EngineKind): 'local' | 'official' | 'auto' {
  const forced = env.KYC_DEV_IMAGES?.trim().toLowerCase();
  if (forced === 'local' || forced === 'official') return forced;
  if (forced) throw new Error(`KYC_DEV_IMAGES must be "local" or "official", not "${env.KYC_DEV_IMAGES}"`);
  return kind === 'podman' ? 'local' : 'auto';
}

/**
 * The images to run. KYC_KAFKA_IMAGE / KYC_MONGO_IMAGE win; otherwise the
 * official images (mode 'official') or the locally built ones, whose tags carry
 * the recipe's content hash (localTags).
 */
export function selectImages(
  env: NodeJS.ProcessEnv,
  mode: 'local' | 'official',
  localTags: Record<Recipe, string>,
): ImageSelection {
  const pick = (configured: string | undefined, official: string, recipe: Recipe): ImageChoice => {
    if (configured?.trim()) return { image: configured.trim(), source: 'configured' };
    if (mode === 'official') return { image: official, source: 'official' };
    return { image: localTags[recipe], source: 'local', recipe };
  };
  return {
    kafka: pick(env.KYC_KAFKA_IMAGE, OFFICIAL_KAFKA_IMAGE, 'kafka'),
    mongo: pick(env.KYC_MONGO_IMAGE, OFFICIAL_MONGO_IMAGE, 'ferretdb'),
  };
}

/** Image tag for a recipe: <repository>:<version>-<first 12 hex of the recipe hash>. */
export function localTag(recipe: Recipe, recipeHash: string): string {
  const { repository, version } = RECIPES[recipe];
  return `${repository}:${version}-${recipeHash.slice(0, 12)}`;
}

const IGNORED = new Set(['target', 'build', 'libs', 'node_modules', '.git']);

/** sha256 over every file of a recipe directory (relative path + content, sorted). */
export async function recipeHash(dir: string): Promise<string> {
  const files: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await fs.readdir(path.join(dir, rel), { withFileTypes: true });
    for (const entry of entries) {
      if (IGNORED.has(entry.name)) continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile()) files.push(child);
    }
  };
  await walk('');
  files.sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(file).update('\0');
    hash.update(await fs.readFile(path.join(dir, file))).update('\0');
  }
  return hash.digest('hex');
}

export function recipeDir(recipe: Recipe): string {
  return path.join(findRepoRoot(), 'deploy', 'images', recipe);
}

export async function localTags(): Promise<Record<Recipe, string>> {
  const [kafka, ferretdb] = await Promise.all([
    recipeHash(recipeDir('kafka')).then((h) => localTag('kafka', h)),
    recipeHash(recipeDir('ferretdb')).then((h) => localTag('ferretdb', h)),
  ]);
  return { kafka, ferretdb };
}

function cliFor(engine: Engine): string {
  return engine.kind === 'podman' ? 'podman' : 'docker';
}

export async function imageExists(engine: Engine, image: string): Promise<boolean> {
  const cli = cliFor(engine);
  const args = cli === 'podman' ? ['image', 'exists', image] : ['image', 'inspect', '--format', '{{.Id}}', image];
  const { code } = await run(cli, args).catch(() => ({ code: 1 }));
  return code === 0;
}

/** Does a registry answer at all (any HTTP status) within timeoutMs? */
export function registryReachable(url = 'https://registry-1.docker.io/v2/', timeoutMs = 4000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
  });
}

/** Resolves the image mode for an engine, probing the registry for Docker ('auto'). */
export async function resolveImageMode(engine: Engine, log: Log): Promise<'local' | 'official'> {
  const mode = defaultImageMode(process.env, engine.kind);
  if (mode !== 'auto') return mode;
  const present = await Promise.all([imageExists(engine, OFFICIAL_KAFKA_IMAGE), imageExists(engine, OFFICIAL_MONGO_IMAGE)]);
  if (present.every(Boolean)) return 'official';
  if (await registryReachable()) return 'official';
  log('no container registry reachable: using locally built images (set KYC_DEV_IMAGES=official to force pulls)');
  // Nothing can be pulled, so neither can the Ryuk reaper image.
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  return 'local';
}

/**
 * Builds the image of a recipe with deploy/images/<recipe>/build.sh unless an
 * image with that tag exists. Serialised across processes; one progress line (plus a
 * "still building" line every 30 s), the build's output in a log file (see runPhase).
 */
export async function ensureLocalImage(engine: Engine, recipe: Recipe, image: string, log: Log): Promise<void> {
  if (await imageExists(engine, image)) return;
  await withLock(`image-${recipe}`, log, async () => {
    if (await imageExists(engine, image)) return;
    const dir = recipeDir(recipe);
    const hash = await recipeHash(dir);
    const cli = cliFor(engine);
    // build.sh marks its stages with "==> …" lines: the "still building" lines name the current one.
    await runPhase({
      title: `building image ${image}`,
      slug: `image-${recipe}`,
      steps: [{ command: 'bash', args: [path.join(dir, 'build.sh'), image, `kyc.recipe-hash=${hash}`], env: { ...process.env, KYC_CONTAINER_CLI: cli } }],
      log,
      stage: (line) => (line.startsWith('==> ') ? line.slice(4).replace(/ *\.\.\.$/, '') : undefined),
    });
    const alias = `${RECIPES[recipe].repository}:${RECIPES[recipe].version}`;
    await run(cli, ['tag', image, alias]).catch(() => undefined);
  });
}

/** Picks the images for this engine and builds the local ones that are missing. */
export async function ensureDevImages(engine: Engine, log: Log): Promise<ImageSelection> {
  const mode = await resolveImageMode(engine, log);
  const selection = selectImages(process.env, mode, mode === 'local' ? await localTags() : { kafka: '', ferretdb: '' });
  // Sequential: both builds are CPU-heavy and the box is small.
  for (const choice of [selection.kafka, selection.mongo]) {
    if (choice.recipe) await ensureLocalImage(engine, choice.recipe, choice.image, log);
  }
  return selection;
}

/** The platform image (deploy/images/platform): every service, tagged with a hash of the staged build output. */
export const PLATFORM_REPOSITORY = 'localhost/kyc-platform';

/**
 * Builds the platform image from this checkout's compiled workspaces (build first), unless an
 * image of the same content exists (deploy/images/platform/build.sh decides: a few seconds
 * then); returns its tag. Serialised across processes like the other local images.
 */
export async function ensurePlatformImage(engine: Engine, log: Log): Promise<string> {
  const script = path.join(findRepoRoot(), 'deploy', 'images', 'platform', 'build.sh');
  const tagDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kyc-platform-tag-'));
  const tagFile = path.join(tagDir, 'tag');
  try {
    await withLock('image-platform', log, () =>
      runPhase({
        title: `preparing image ${PLATFORM_REPOSITORY}`,
        slug: 'image-platform',
        steps: [{ command: 'bash', args: [script, '--tag-file', tagFile, PLATFORM_REPOSITORY], env: { ...process.env, KYC_CONTAINER_CLI: cliFor(engine) } }],
        log,
        stage: (line) => (line.startsWith('==> ') ? line.slice(4).replace(/ *\.\.\.$/, '') : undefined),
      }),
    );
    return (await fs.readFile(tagFile, 'utf8')).trim();
  } finally {
    await fs.rm(tagDir, { recursive: true, force: true });
  }
}
