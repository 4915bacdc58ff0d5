/** What the soak's processes tell each other over their IPC channels. */

/** What one phase of the load saw. */
export interface PhaseTally {
  /** Responses received, whatever their status. */
  readonly responses: number;
  /** Count per HTTP status. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Requests that got no HTTP answer (reset, refused, timed out in the client). */
  readonly transportErrors: number;
  /** A few 5xx bodies and transport errors, for the report. */
  readonly samples: readonly string[];
  /** From the first request sent to the last answer received. */
  readonly windowMs: number;
  /**
   * From the first allowed answer to the last answer: the bucket's first take came shortly before
   * the start, its last one shortly before the end (each by a response's way back).
   */
  readonly allowedWindowMs: number;
  /** Responses per second, in order. */
  readonly perSecond: readonly number[];
}

/** The load driver's tally, sent once when the load is over: the measured phase, and the warm-up. */
export interface DriverResult extends PhaseTally {
  readonly kind: 'result';
  readonly connections: number;
  readonly warmUp: PhaseTally;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
}

/** The driver has warmed the gateway up and starts the measured phase. */
export interface MeasuringNotice {
  readonly kind: 'measuring';
}

/** One `process.memoryUsage()` of the gateway, in bytes, `gc` when taken after a full collection. */
export interface MemorySample {
  readonly kind: 'memory';
  readonly gc: boolean;
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
}

/** What the soak asks the gateway's memory probe for. */
export type MemoryRequest = { readonly kind: 'memory'; readonly gc: boolean };
