import { invalidArgument } from '@kyc/core';
import { VERIFICATION_ERROR } from '../domain/verification';
import { AuthorityCheckDeps, authorityCheckMethod } from './authority-check/authority-check-method';
import { manualReviewMethod } from './manual-review/manual-review-method';
import { VerificationMethod } from './method';

export class MethodRegistry {
  private readonly byName: ReadonlyMap<string, VerificationMethod>;

  constructor(methods: readonly VerificationMethod[]) {
    const byName = new Map<string, VerificationMethod>();
    for (const m of methods) {
      if (byName.has(m.name)) throw new Error(`verification method ${m.name} registered twice`);
      byName.set(m.name, m);
    }
    this.byName = byName;
  }

  /** The method by name; INVALID_ARGUMENT naming the known ones when there is none. */
  get(name: string): VerificationMethod {
    const method = this.byName.get(name);
    if (!method) throw invalidArgument(VERIFICATION_ERROR.unknownMethod, `unknown verification method; known: ${this.names().join(', ')}`);
    return method;
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** Methods this service processes itself from the start. */
  automatic(): string[] {
    return [...this.byName.values()].filter((m) => m.processing === 'automatic').map((m) => m.name);
  }

  /**
   * Methods the processing sweep looks at: automatic ones, and external ones with a processing step
   * after their decision (they are not due before it is recorded).
   */
  processable(): string[] {
    return [...this.byName.values()].filter((m) => m.process !== undefined).map((m) => m.name);
  }
}

export type MethodDeps = AuthorityCheckDeps;

/** Every method the platform offers: one line per method. */
export const createMethodRegistry = (deps: MethodDeps) =>
  new MethodRegistry([
    authorityCheckMethod(deps),
    manualReviewMethod(deps),
  ]);
