/** Hop-by-hop headers (RFC 9110 section 7.6.1): meaningful for one connection only. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
]);

const COMMON_CONNECTION_VALUES = new Set(['keep-alive', 'close', 'Keep-Alive', 'Close']);

/** Header names to drop before passing headers on: the fixed set plus those `Connection` names. */
export const hopByHopNames = (connectionHeader: string | undefined): ReadonlySet<string> => {
  if (connectionHeader === undefined || connectionHeader === '') return HOP_BY_HOP;
  // What nearly every message says, on both sides of every exchange: nothing to split.
  if (COMMON_CONNECTION_VALUES.has(connectionHeader)) return HOP_BY_HOP;
  const named = connectionHeader
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter((name) => name !== '' && !HOP_BY_HOP.has(name));
  // Most messages name nothing beyond the fixed set (`keep-alive`, `close`): no copy for them.
  return named.length === 0 ? HOP_BY_HOP : new Set([...HOP_BY_HOP, ...named]);
};

/**
 * `folded` is the name as separator-folding servers read it (`transfer_encoding` is
 * `transfer-encoding` to them): a request header is checked under both spellings, so no variant
 * of a framing header reaches an upstream that would honour it.
 */
export const isHopByHop = (name: string, dropped: ReadonlySet<string>, folded = name): boolean =>
  dropped.has(name) || dropped.has(folded) || folded.startsWith('proxy-');
