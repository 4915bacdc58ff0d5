import { isIP } from 'node:net';

/** Hosts that, on Lambda, are the function itself: nothing listens there. */
const isLoopbackHost = (hostname: string): boolean => {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host.startsWith('::ffff:127.');
  return false;
};

/**
 * Routes whose upstream is a loopback address once `${VAR}`s are filled: deployed, they answer
 * 502 to every request (the shipped route table falls back to the local demo upstream when
 * `DEMO_UPSTREAM_URL` is not given in `upstreamEnvironment`).
 */
export const loopbackUpstreams = (
  routes: readonly { readonly id?: string; readonly path: string; readonly upstream: string }[],
): string[] =>
  routes
    .filter((route) => isLoopbackHost(new URL(route.upstream).hostname))
    .map((route) => route.id ?? route.path);
