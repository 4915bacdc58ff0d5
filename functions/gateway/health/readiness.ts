import { jsonResult } from '../http/json-result';
import type { FunctionUrlResult } from '../http/types';
import { withDeadline } from '../http/with-deadline';

/** A dependency the gateway needs to serve (the session table, the rate-limit cache). */
export interface ReadinessCheck {
  readonly name: string;
  /**
   * Resolves when the dependency answers; must honour the signal. Rejects with an error named
   * `TimeoutError` when the dependency did not answer in time (reported as reason `timeout`).
   */
  check(signal: AbortSignal): Promise<void>;
}

export interface DependencyState {
  status: 'up' | 'down';
  latency_ms: number;
  /** `timeout` or `error`: the cause stays in the logs, not on a public endpoint. */
  reason?: 'timeout' | 'error';
}

const runCheck = async (check: ReadinessCheck, timeoutMs: number): Promise<DependencyState> => {
  const started = performance.now();
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    // The deadline also bounds a check that ignores its signal.
    await withDeadline(check.check(signal), signal);
    return { status: 'up', latency_ms: Math.round(performance.now() - started) };
  } catch (error) {
    // A check that hit its own, shorter deadline says so with an error named TimeoutError.
    const timedOut =
      signal.aborted || (error as { name?: unknown } | null)?.name === 'TimeoutError';
    return {
      status: 'down',
      latency_ms: Math.round(performance.now() - started),
      reason: timedOut ? 'timeout' : 'error',
    };
  }
};

/** Checks every dependency in parallel, each bounded by `timeoutMs`; 503 when any is down. */
export const readiness = async (
  checks: readonly ReadinessCheck[],
  timeoutMs: number,
): Promise<FunctionUrlResult> => {
  const results = await Promise.all(
    checks.map(async (check) => [check.name, await runCheck(check, timeoutMs)] as const),
  );
  const ready = results.every(([, state]) => state.status === 'up');
  return jsonResult(ready ? 200 : 503, {
    status: ready ? 'ready' : 'unavailable',
    checks: Object.fromEntries(results),
  });
};

export const liveness = (): FunctionUrlResult => jsonResult(200, { status: 'live' });
