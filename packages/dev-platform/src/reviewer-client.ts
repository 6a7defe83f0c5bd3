import { kycJson } from './operator-cli';
import { Platform } from './platform';

export interface ReviewerCredentials {
  reviewer_id: string;
  name: string;
  /** Bearer token for the reviewer API; shown once by the CLI. */
  token: string;
}

/** Runs `kyc reviewer …` with the gateway's configuration; returns its JSON output. */
export async function reviewerAdmin(platform: Platform, args: string[]): Promise<unknown> {
  return kycJson(platform.gatewayEnv, ['reviewer', ...args]);
}

/** Registers a reviewer with `kyc reviewer create`, exactly as an operator would. */
export async function createReviewer(platform: Platform, name: string): Promise<ReviewerCredentials> {
  return (await reviewerAdmin(platform, ['create', '--name', name])) as ReviewerCredentials;
}
