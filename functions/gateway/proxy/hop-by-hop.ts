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

/** Header names to drop before passing headers on: the fixed set plus those `Connection` names. */
export const hopByHopNames = (connectionHeader: string | undefined): Set<string> => {
  const names = new Set(HOP_BY_HOP);
  for (const token of (connectionHeader ?? '').split(',')) {
    const name = token.trim().toLowerCase();
    if (name) names.add(name);
  }
  return names;
};

export const isHopByHop = (name: string, dropped: ReadonlySet<string>): boolean =>
  dropped.has(name) || name.startsWith('proxy-');
