import { BadGatewayError, UpstreamTimeoutError } from '../http/errors';
import type { Upstream, UpstreamRequest, UpstreamResponse } from './upstream';

const isTimeout = (error: unknown, signal: AbortSignal): boolean =>
  signal.aborted ||
  (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'));

const causeCode = (error: unknown): string | undefined => {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
};

const toGatewayError = (error: unknown, signal: AbortSignal, stage: string): Error => {
  if (isTimeout(error, signal))
    return new UpstreamTimeoutError({ reason: `timeout_${stage}`, cause: error });
  const code = causeCode(error)?.toLowerCase() ?? 'failed';
  return new BadGatewayError({ reason: `upstream_${stage}_${code}`, cause: error });
};

/**
 * The `Upstream` port on the global `fetch`: redirects are passed back, never followed, and the
 * route's timeout covers the whole exchange, body included, so the client never waits past it.
 */
export const fetchUpstream = (): Upstream => ({
  async forward(request: UpstreamRequest): Promise<UpstreamResponse> {
    const signal = AbortSignal.timeout(request.timeoutMs);
    let response: Response;
    try {
      response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body ? { body: request.body } : {}),
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      throw toGatewayError(error, signal, 'connect');
    }
    let body: Uint8Array;
    try {
      body = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      throw toGatewayError(error, signal, 'body');
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (name !== 'set-cookie') headers[name] = value;
    });
    return { status: response.status, headers, setCookies: response.headers.getSetCookie(), body };
  },
});
