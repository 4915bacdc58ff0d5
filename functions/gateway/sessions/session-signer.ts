import {
  createHmac,
  createSecretKey,
  type KeyObject,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

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

/** More distinct secrets than a ring holds across a few rotations; past it the cache starts over. */
const MAX_CACHED_KEYS = 16;

/**
 * Secret (as configured) -> its KeyObject. `createHmac` given a string converts it into a key on
 * every call (about a third of a verification's cost); a KeyObject made once per secret skips that.
 * Keyed by the secret's value, so a rotated ring finds its new keys here on first use.
 */
const keyObjects = new Map<string, KeyObject>();

const keyObjectFor = (secret: string): KeyObject => {
  let key = keyObjects.get(secret);
  if (key === undefined) {
    if (keyObjects.size >= MAX_CACHED_KEYS) keyObjects.clear();
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keyObjects.set(secret, key);
  }
  return key;
};

const hmac = (secret: string, sessionId: string): Buffer =>
  createHmac('sha256', keyObjectFor(secret)).update(sessionId, 'utf8').digest();

/**
 * The signing keys, read at each signature and verification, so a rotation (a new current key, the
 * old one kept as previous) takes effect without a new signer. Whoever replaces the keys checks
 * them first (at least one, each at least `MIN_SECRET_LENGTH` characters).
 */
export interface SessionKeyRing {
  /** The signing key first, then the keys still accepted. */
  keys(): readonly string[];
}

const checkedKeys = (secrets: readonly string[]): readonly string[] => {
  if (secrets.length === 0) throw new Error('SessionSigner needs at least one secret');
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new Error(`Session secrets must be at least ${MIN_SECRET_LENGTH} characters long`);
    }
  }
  return [...secrets];
};

const isKeyList = (secrets: readonly string[] | SessionKeyRing): secrets is readonly string[] =>
  Array.isArray(secrets);

/**
 * Signs and verifies `session_token` values, `<sessionId>.<signature>` with signature =
 * base64url(HMAC-SHA256(secret, sessionId)). The first secret signs; every secret verifies, so a
 * secret can be rotated by putting the new one first and dropping the old one a session-lifetime later.
 * Given a key ring instead of a list, it follows the ring's current keys.
 */
export class SessionSigner {
  readonly #ring: SessionKeyRing;

  constructor(secrets: readonly string[] | SessionKeyRing) {
    // An array has a `keys()` of its own (its indices): tell the two apart by what they are.
    if (isKeyList(secrets)) {
      const keys = checkedKeys(secrets);
      this.#ring = { keys: () => keys };
    } else {
      checkedKeys(secrets.keys());
      this.#ring = secrets;
    }
  }

  static newSessionId(): string {
    return randomBytes(32).toString('base64url');
  }

  sign(sessionId: string): string {
    if (!SESSION_ID.test(sessionId)) throw new Error('Invalid session id');
    const [current] = this.#ring.keys();
    return `${sessionId}.${hmac(current as string, sessionId).toString('base64url')}`;
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
    for (const secret of this.#ring.keys()) {
      // Every secret is tried, so timing does not tell which (if any) matched.
      matched = timingSafeEqual(given, hmac(secret, sessionId)) || matched;
    }
    return matched ? { ok: true, sessionId } : { ok: false, reason: 'bad_signature' };
  }
}
