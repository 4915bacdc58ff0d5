import * as z from 'zod/mini';
import { MIN_SECRET_LENGTH } from '../sessions/session-signer';

/** The keys that sign and verify session cookies: `current` signs, every key verifies. */
export interface SessionKeys {
  readonly current: string;
  /** Older keys still accepted during a rotation (verify only). */
  readonly previous: readonly string[];
}

const oneOrMany = z.union([z.string(), z.array(z.string())]);
const sessionSecretDocument = z.object({
  current: oneOrMany,
  previous: z.optional(oneOrMany),
});

const listOf = (value: string | readonly string[] | undefined): string[] =>
  (typeof value === 'string' ? [value] : [...(value ?? [])])
    .map((key) => key.trim())
    .filter((key) => key !== '');

/** Keys that cannot sign safely are refused here, so a bad rotation never replaces good keys. */
export const checkedSessionKeys = (current: string, previous: readonly string[]): SessionKeys => {
  for (const key of [current, ...previous]) {
    if (key.length < MIN_SECRET_LENGTH) {
      throw new Error(`Session secrets must be at least ${MIN_SECRET_LENGTH} characters long`);
    }
  }
  return { current, previous };
};

/**
 * The session secret as the stack stores it, `{"current": "...", "previous": ["..."]}` (each also a
 * plain string), or a plain string that is the current key.
 */
export const sessionKeysFrom = (secretString: string): SessionKeys => {
  let document: unknown;
  try {
    document = JSON.parse(secretString);
  } catch {
    return checkedSessionKeys(secretString.trim(), []);
  }
  const parsed = sessionSecretDocument.safeParse(document);
  if (!parsed.success) {
    // A JSON string or number is a plain key that happens to parse; an object must be the document.
    if (typeof document !== 'object' || document === null) {
      return checkedSessionKeys(secretString.trim(), []);
    }
    throw new Error('The session secret has no "current" value');
  }
  const [current] = listOf(parsed.data.current);
  if (!current) throw new Error('The session secret has no "current" value');
  return checkedSessionKeys(current, listOf(parsed.data.previous));
};
