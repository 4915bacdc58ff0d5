import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Session ids we mint are 32 random bytes, base64url (43 chars); we accept 16-128 such chars. */
const SESSION_ID = /^[A-Za-z0-9_-]{16,128}$/;
/**
 * base64url of a 32-byte HMAC-SHA256, unpadded and canonical: 43 characters carry 258 bits, so the
 * last one's two low bits are padding and must be 0. Node's decoder ignores them, which would let
 * four spellings of one signature verify (one token, four cookies: a cache key or log filter on the
 * token would miss three of them).
 */
const SIGNATURE = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
export const MIN_SECRET_LENGTH = 32;

export type VerifyResult =
  | { readonly ok: true; readonly sessionId: string }
  | { readonly ok: false; readonly reason: 'malformed_token' | 'bad_signature' };

const hmac = (secret: string, sessionId: string): Buffer =>
  createHmac('sha256', secret).update(sessionId, 'utf8').digest();

/**
 * Signs and verifies `session_token` values, `<sessionId>.<signature>` with signature =
 * base64url(HMAC-SHA256(secret, sessionId)). The first secret signs; every secret verifies, so a
 * secret can be rotated by putting the new one first and dropping the old one a session-lifetime later.
 */
export class SessionSigner {
  readonly #secrets: readonly string[];

  constructor(secrets: readonly string[]) {
    if (secrets.length === 0) throw new Error('SessionSigner needs at least one secret');
    for (const secret of secrets) {
      if (secret.length < MIN_SECRET_LENGTH) {
        throw new Error(`Session secrets must be at least ${MIN_SECRET_LENGTH} characters long`);
      }
    }
    this.#secrets = [...secrets];
  }

  static newSessionId(): string {
    return randomBytes(32).toString('base64url');
  }

  sign(sessionId: string): string {
    if (!SESSION_ID.test(sessionId)) throw new Error('Invalid session id');
    return `${sessionId}.${hmac(this.#secrets[0] as string, sessionId).toString('base64url')}`;
  }

  /** Checks the format first, then the signature in constant time against each secret. */
  verify(token: string): VerifyResult {
    const dot = token.indexOf('.');
    const sessionId = token.slice(0, dot);
    const signature = token.slice(dot + 1);
    if (dot < 0 || !SESSION_ID.test(sessionId) || !SIGNATURE.test(signature)) {
      return { ok: false, reason: 'malformed_token' };
    }
    const given = Buffer.from(signature, 'base64url');
    let matched = false;
    for (const secret of this.#secrets) {
      // Every secret is tried, so timing does not tell which (if any) matched.
      matched = timingSafeEqual(given, hmac(secret, sessionId)) || matched;
    }
    return matched ? { ok: true, sessionId } : { ok: false, reason: 'bad_signature' };
  }
}
