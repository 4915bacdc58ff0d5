import { jsonResult } from '../http/json-result';
import type { FunctionUrlResult } from '../http/types';
import { withDeadline } from '../http/with-deadline';
import { rootCause } from '../observability/root-cause';

/** A dependency the gateway needs to serve (the session table, the rate-limit cache). */
export interface ReadinessCheck {
  readonly name: string;
  /**
   * Resolves when the dependency answers; must honour the signal. Rejects with an error named
   * `TimeoutError` when the dependency did not answer in time (reported as reason `timeout`).
   */
  check(signal: AbortSignal): Promise<void>;
}

/**
 * Why a dependency is down, named for what happened:
 * - `timeout`: it did not answer within the deadline (paused, black-holed, overloaded, slow);
 * - `refused`: nothing accepts connections at its address (stopped);
 * - `unavailable`: no connection for another reason (reset, closed, name or route not found);
 * - `error`: it answered, with an error (credentials, permissions, a missing table);
 * - `not_configured`: a setting it needs is missing (no `SESSION_SECRET` while routes need sessions).
 */
export type ReadinessReason = 'timeout' | 'refused' | 'unavailable' | 'error' | 'not_configured';

export interface DependencyState {
  status: 'up' | 'down';
  latency_ms: number;
  /** The cause itself stays in the logs, not on a public endpoint. */
  reason?: ReadinessReason;
}

const NO_CONNECTION = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const TIMED_OUT = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);
const REASONS: ReadonlySet<unknown> = new Set([
  'timeout',
  'refused',
  'unavailable',
  'error',
  'not_configured',
]);

/**
 * The reason a failed check shows, from the error it threw: the socket error code anywhere in the
 * `cause` chain (adapters wrap them), else a `reason` the adapter named (`RedisNotReadyError`),
 * else `error`. Exported for tests.
 */
export const readinessReason = (error: unknown): ReadinessReason => {
  let named: ReadinessReason | undefined;
  let current: unknown = error;
  // Not `instanceof Error`: errors from another realm (Node's own, in a VM context) fail it.
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const { code, reason, name, cause } = current as Partial<
      Record<'code' | 'reason' | 'name' | 'cause', unknown>
    >;
    if (code === 'ECONNREFUSED') return 'refused';
    if (typeof code === 'string' && NO_CONNECTION.has(code)) return 'unavailable';
    if ((typeof code === 'string' && TIMED_OUT.has(code)) || name === 'TimeoutError') {
      return 'timeout';
    }
    if (named === undefined && REASONS.has(reason)) named = reason as ReadinessReason;
    current = cause;
  }
  return named ?? 'error';
};

/** Where a failed check's cause goes: the response shows only its reason. */
export interface ReadinessLog {
  warn(message: string, fields: Record<string, unknown>): void;
}

const runCheck = async (
  check: ReadinessCheck,
  timeoutMs: number,
  log?: ReadinessLog,
): Promise<DependencyState> => {
  const started = performance.now();
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    // The deadline also bounds a check that ignores its signal.
    await withDeadline(check.check(signal), signal);
    return { status: 'up', latency_ms: Math.round(performance.now() - started) };
  } catch (error) {
    const reason = signal.aborted ? 'timeout' : readinessReason(error);
    log?.warn('readiness check failed', { dependency: check.name, reason, ...rootCause(error) });
    return { status: 'down', latency_ms: Math.round(performance.now() - started), reason };
  }
};

/** Checks every dependency in parallel, each bounded by `timeoutMs`; 503 when any is down. */
export const readiness = async (
  checks: readonly ReadinessCheck[],
  timeoutMs: number,
  log?: ReadinessLog,
): Promise<FunctionUrlResult> => {
  const results = await Promise.all(
    checks.map(async (check) => [check.name, await runCheck(check, timeoutMs, log)] as const),
  );
  const ready = results.every(([, state]) => state.status === 'up');
  return jsonResult(ready ? 200 : 503, {
    status: ready ? 'ready' : 'unavailable',
    checks: Object.fromEntries(results),
  });
};

export const liveness = (): FunctionUrlResult => jsonResult(200, { status: 'live' });
