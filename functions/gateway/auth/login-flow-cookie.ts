import { timingSafeEqual } from 'node:crypto';
// zod/mini: the function's bundle loads zod's tree-shakable build (docs/performance.md, cold start).
import * as z from 'zod/mini';
import type { SealedBox } from './sealed-box';

/** The login flow cookie's name; scoped to the callback path, so no other request carries it. */
export const FLOW_COOKIE = 'gateway_login';
/** How long a started login may take before the callback is refused. */
export const FLOW_LIFETIME_SECONDS = 600;

/** What the callback must check, kept by the browser between login and callback. */
export interface LoginFlow {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly returnTo: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

const flowSchema = z.strictObject({
  state: z.string().check(z.minLength(1)),
  nonce: z.string().check(z.minLength(1)),
  codeVerifier: z.string().check(z.minLength(43)),
  returnTo: z.string().check(z.startsWith('/')),
  expiresAt: z.number(),
});

/** Sealed (AES-256-GCM): the browser holds it but can neither read the verifier nor alter it. */
export const sealFlow = (box: SealedBox, flow: LoginFlow): string => box.seal(JSON.stringify(flow));

export const openFlow = (box: SealedBox, value: string | undefined): LoginFlow | undefined => {
  if (!value) return undefined;
  const text = box.open(value);
  if (text === undefined) return undefined;
  try {
    const parsed = flowSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

export const sameState = (a: string, b: string): boolean => {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
};
