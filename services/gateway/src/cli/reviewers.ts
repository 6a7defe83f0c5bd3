import { invalidArgument, notFound } from '@kyc/core';
import { ensureIndexes } from '@kyc/mongo-kit';
import { ReviewerRepository } from '../adapters/mongo/reviewer-repository';
import { GatewayDb, withGatewayDb } from './database';

/**
 * Operator commands for reviewers of the manual-review API. A bearer token is returned once, by
 * create and rotate; only its SHA-256 is stored, so a lost token can only be rotated.
 */
export interface ReviewerListing {
  reviewer_id: string;
  name: string;
  active: boolean;
  created_at?: Date;
}

const noReviewer = (id: string) => notFound('KYC.OPERATOR.REVIEWER_NOT_FOUND', `no reviewer with id ${id}`);

async function reviewersIn(db: GatewayDb): Promise<ReviewerRepository> {
  const reviewers = new ReviewerRepository(db.mongo);
  await ensureIndexes([reviewers.model]);
  return reviewers;
}

export async function createReviewer(name: string): Promise<{ reviewer_id: string; name: string; token: string }> {
  if (!name.trim()) throw invalidArgument('KYC.OPERATOR.NAME_REQUIRED', 'a reviewer needs a name');
  return withGatewayDb(async (db) => {
    const { reviewer, token } = await (await reviewersIn(db)).create(name);
    return { reviewer_id: reviewer.id, name: reviewer.name, token };
  });
}

/** Replaces the reviewer's token; the old one stops working at once. */
export async function rotateReviewerToken(id: string): Promise<{ reviewer_id: string; token: string }> {
  return withGatewayDb(async (db) => {
    const token = await (await reviewersIn(db)).rotateToken(id);
    if (!token) throw noReviewer(id);
    return { reviewer_id: id, token };
  });
}

/** Enables or disables a reviewer's token (disabled: refused from now on). */
export async function setReviewerActive(id: string, active: boolean): Promise<{ reviewer_id: string; active: boolean }> {
  return withGatewayDb(async (db) => {
    if (!(await (await reviewersIn(db)).setActive(id, active))) throw noReviewer(id);
    return { reviewer_id: id, active };
  });
}

/** Reviewers, without tokens. */
export async function listReviewers(): Promise<ReviewerListing[]> {
  return withGatewayDb(async (db) =>
    (await (await reviewersIn(db)).list()).map((r) => ({ reviewer_id: r.id, name: r.name, active: r.active, created_at: r.createdAt })),
  );
}
