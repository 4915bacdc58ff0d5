import {
  BadGatewayError,
  BadRequestError,
  GatewayError,
  UpstreamTimeoutError,
} from '../http/errors';
import type { ExchangeStage } from './upstream-exchange';

/** undici refused to send the request at all (a header, value or path it will not put on the wire). */
const REFUSED_BY_CLIENT = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);

/** undici's socket errors say what happened only in their message. */
const SOCKET_MESSAGES: Readonly<Record<string, string>> = {
  'other side closed': 'closed',
  'bad response': 'bad_response',
  'bad upgrade': 'bad_response',
};

export const errorCode = (error: unknown): string | undefined => {
  for (let current = error, depth = 0; current && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
};

export const isRefusedByClient = (error: unknown): boolean =>
  REFUSED_BY_CLIENT.has(errorCode(error) ?? '');

/**
 * Whether a failed attempt may be sent again: only when it failed before undici handed it to a
 * socket (`stage` still `connect`), so the upstream provably never saw it, whatever the method. A
 * request that was written is never repeated, not even a GET: the upstream may have acted on it.
 */
export const isRetryable = (error: unknown, stage: ExchangeStage): boolean =>
  stage === 'connect' && !(error instanceof GatewayError) && !isRefusedByClient(error);

export const upstreamTimeout = (stage: ExchangeStage): UpstreamTimeoutError =>
  new UpstreamTimeoutError({ reason: `upstream_timeout_${stage}`, dependency: 'upstream' });

/** What the client gets for a failed attempt; the reason names the stage and the cause. */
export const toGatewayError = (error: unknown, stage: ExchangeStage): GatewayError => {
  if (error instanceof GatewayError) return error;
  if (isRefusedByClient(error)) {
    return new BadRequestError('The request cannot be forwarded as sent', {
      reason: 'unsendable_request',
      cause: error,
    });
  }
  const code = errorCode(error);
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new UpstreamTimeoutError({
      reason: 'upstream_timeout_connect',
      dependency: 'upstream',
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : '';
  const parserError = error instanceof Error && error.name === 'HTTPParserError';
  const detail = Object.hasOwn(SOCKET_MESSAGES, message)
    ? SOCKET_MESSAGES[message]
    : (code?.toLowerCase() ?? (parserError ? 'invalid_response' : 'failed'));
  return new BadGatewayError({
    reason: `upstream_${stage}_${detail}`,
    dependency: 'upstream',
    cause: error,
  });
};
