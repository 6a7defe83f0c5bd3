import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { findRepoRoot, Platform } from './platform';

export interface ReviewerCredentials {
  reviewer_id: string;
  name: string;
  /** Bearer token for the reviewer API; shown once by the CLI. */
  token: string;
}

const reviewerCli = () => path.join(findRepoRoot(), 'services/gateway/dist/cli/reviewer-admin.js');

/** Runs the reviewer operator CLI (`kyc-reviewer`) with the gateway's configuration; returns its JSON output. */
export async function reviewerAdmin(platform: Platform, args: string[]): Promise<unknown> {
  const { stdout } = await promisify(execFile)(process.execPath, [reviewerCli(), ...args], {
    env: { ...process.env, ...platform.gatewayEnv },
  });
  return JSON.parse(stdout.trim());
}

/** Registers a reviewer with the operator CLI, exactly as an operator would. */
export async function createReviewer(platform: Platform, name: string): Promise<ReviewerCredentials> {
  return (await reviewerAdmin(platform, ['create', '--name', name])) as ReviewerCredentials;
}
