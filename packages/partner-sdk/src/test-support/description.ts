/**
 * Tests only: the gateway's OpenAPI description (through the generator's loader, i.e. the
 * gateway's own merge) and the worked signing examples written in it, so the signing is checked
 * against what partners read rather than against values copied into the tests.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'generate.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require(SCRIPT) as { OUTPUT: string; loadDescription(): Record<string, unknown> };

export const { OUTPUT, loadDescription } = generator;

/**
 * The generator's output for the gateway's description, or for the one given. It runs as its own
 * process: openapi-typescript loads ES modules, which Jest's module system does not.
 */
export async function generateTypes(description?: Record<string, unknown>): Promise<string> {
  const dir = description ? fs.mkdtempSync(path.join(os.tmpdir(), 'partner-sdk-')) : undefined;
  const args = [SCRIPT, '--stdout'];
  if (dir) {
    fs.writeFileSync(path.join(dir, 'openapi.json'), JSON.stringify(description));
    args.push('--from', path.join(dir, 'openapi.json'));
  }
  try {
    const { stdout } = await promisify(execFile)(process.execPath, args, { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

type Described = { description?: string };

export interface WorkedExample {
  key: string;
  parameters: string;
  stringToSign: string;
  sign: string;
}

/** The four fenced blocks after "#### Worked signing example": key, parameters, string to sign, sign. */
export function workedExample(markdown: string | undefined): WorkedExample {
  const section = (markdown ?? '').split('#### Worked signing example')[1];
  if (!section) throw new Error('no worked signing example in this description');
  const blocks = [...section.matchAll(/```[a-z]*\n([\s\S]*?)\n```/g)].map((m) => m[1]);
  const [key, parameters, stringToSign, sign] = blocks;
  return { key, parameters, stringToSign, sign };
}

const description = loadDescription() as {
  tags: ({ name: string } & Described)[];
  webhooks: Record<string, { post: Described }>;
};

export const tagDescription = (name: string) => description.tags.find((t) => t.name === name)?.description;
export const webhookDescription = (name: string) => description.webhooks[name]?.post.description;
