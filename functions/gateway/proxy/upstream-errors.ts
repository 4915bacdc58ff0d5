import { BadGatewayError, UpstreamTimeoutError } from '../http/errors';

/** Error codes meaning the request never reached the upstream's application: safe to retry. */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  // A pooled keep-alive socket the upstream had already closed.
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** RFC 9110 9.2.2: repeating these has the same effect as sending them once. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

export const errorCode = (error: unknown): string | undefined => {
  for (let current = error, depth = 0; current && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
};

export const isTimeout = (error: unknown, signal: AbortSignal): boolean =>
  signal.aborted ||
  (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'));

/** Whether a failed attempt may be sent again: idempotent, and it failed before reaching the app. */
export const isRetryable = (error: unknown, method: string): boolean =>
  IDEMPOTENT.has(method) && NOT_SENT.has(errorCode(error) ?? '');

export const toGatewayError = (
  error: unknown,
  signal: AbortSignal,
  stage: 'connect' | 'body',
): Error => {
  if (error instanceof BadGatewayError || error instanceof UpstreamTimeoutError) return error;
  if (isTimeout(error, signal)) {
    return new UpstreamTimeoutError({
      reason: `upstream_timeout_${stage}`,
      dependency: 'upstream',
      cause: error,
    });
  }
  const code = errorCode(error)?.toLowerCase() ?? 'failed';
  return new BadGatewayError({
    reason: `upstream_${stage}_${code}`,
    dependency: 'upstream',
    cause: error,
  });
};
