import { DependencyError } from '../http/dependency-error';
import type { SessionRecord } from './session-types';

/** The port session validation depends on: one lookup by id. */
export interface SessionStore {
  /** The session, or `undefined` when there is none. Throws `SessionStoreError` when unreachable. */
  get(sessionId: string): Promise<SessionRecord | undefined>;
  /** Forgets what is cached about the session (logout revoked it), where the store caches. */
  invalidate?(sessionId: string): void;
}

/**
 * `timeout`: no answer within the deadline; `unreachable`: the connection was refused or broke;
 * `throttled`: DynamoDB refused past the retries; `error`: anything else the store said.
 */
export type SessionStoreFailure =
  | 'throttled'
  | 'timeout'
  | 'unreachable'
  | 'error'
  | 'malformed_record';

/** The store could not answer (or answered with an item that is not a session). */
export class SessionStoreError extends DependencyError<SessionStoreFailure> {
  /** @param dependency the store that failed, as logs and metrics name it (`dynamodb`). */
  constructor(dependency: string, failure: SessionStoreFailure, options?: { cause?: unknown }) {
    super(dependency, failure, `Session store failed: ${failure}`, options);
    this.name = 'SessionStoreError';
  }
}
