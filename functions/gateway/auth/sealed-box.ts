import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
/** The root key's least length: it must carry at least the AES key's 256 bits of entropy. */
export const MIN_KEY_BYTES = 32;

/**
 * AES-256-GCM with a purpose bound in as additional data, so a value sealed for one use (the
 * login flow cookie) never opens as another (the stored tokens). Output: base64url of
 * iv | ciphertext | tag.
 */
export class SealedBox {
  readonly #key: Buffer;
  readonly #purpose: Buffer;

  /** `rootKey`: 32 or more bytes; each purpose gets its own key derived from it (HKDF-SHA256). */
  constructor(rootKey: Buffer, purpose: string) {
    if (rootKey.length < MIN_KEY_BYTES) {
      throw new Error(`The token key must be at least ${MIN_KEY_BYTES} bytes`);
    }
    this.#purpose = Buffer.from(purpose, 'utf8');
    this.#key = Buffer.from(hkdfSync('sha256', rootKey, Buffer.alloc(0), this.#purpose, KEY_BYTES));
  }

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(this.#purpose);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** The plaintext, or undefined when the value was not sealed by this box (tampered, other key). */
  open(sealed: string): string | undefined {
    if (!/^[A-Za-z0-9_-]+$/.test(sealed)) return undefined;
    const raw = Buffer.from(sealed, 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(this.#purpose);
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const body = raw.subarray(IV_BYTES, raw.length - TAG_BYTES);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
