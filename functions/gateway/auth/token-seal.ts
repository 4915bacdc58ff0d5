// zod/mini: the function's bundle loads zod's tree-shakable build (docs/performance.md, cold start).
import * as z from 'zod/mini';
import type { ProviderTokens } from './oidc-provider-client';
import type { SealedBox } from './sealed-box';

const tokensSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.optional(z.string()),
  idToken: z.optional(z.string()),
  accessExpiresAt: z.optional(z.number()),
});

/** The provider's tokens as the session record keeps them: one sealed (AES-256-GCM) string. */
export const sealTokens = (box: SealedBox, tokens: ProviderTokens): string =>
  box.seal(JSON.stringify(tokens));

export const openTokens = (box: SealedBox, sealed: string): ProviderTokens | undefined => {
  const text = box.open(sealed);
  if (text === undefined) return undefined;
  try {
    const parsed = tokensSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return undefined;
    const { accessToken, refreshToken, idToken, accessExpiresAt } = parsed.data;
    return {
      accessToken,
      ...(refreshToken ? { refreshToken } : {}),
      ...(idToken ? { idToken } : {}),
      ...(accessExpiresAt !== undefined ? { accessExpiresAt } : {}),
    };
  } catch {
    return undefined;
  }
};
