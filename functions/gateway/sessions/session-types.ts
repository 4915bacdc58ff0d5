/** A session as stored in the sessions table (one item per session, key `sessionId`). */
export interface SessionRecord {
  readonly sessionId: string;
  readonly userId: string;
  readonly roles: readonly string[];
  readonly permissions: readonly string[];
  /** Epoch seconds. */
  readonly createdAt: number;
  /** Epoch seconds; also the table's TTL attribute (DynamoDB deletes late, so code checks it). */
  readonly expiresAt: number;
  readonly revoked: boolean;
}

/** Who the request is from, once the session is validated. */
export interface UserContext {
  readonly userId: string;
  readonly roles: readonly string[];
  /** The session's own permissions plus those its roles grant. */
  readonly permissions: ReadonlySet<string>;
}

/** Why a session was refused; logged and counted, never sent to the client. */
export const SessionRejection = {
  missingCookie: 'missing_cookie',
  malformedToken: 'malformed_token',
  badSignature: 'bad_signature',
  unknownSession: 'unknown_session',
  expired: 'expired',
  revoked: 'revoked',
  malformedRecord: 'malformed_record',
} as const;
export type SessionRejection = (typeof SessionRejection)[keyof typeof SessionRejection];
