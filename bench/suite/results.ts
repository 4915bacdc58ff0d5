/** What `bench:proxy` hands `npm run bench` (BENCH_RESULTS), beyond its verdict lines. */

export interface ProxyCell {
  readonly name: string;
  readonly inFlight: number;
  /** Medians over rounds. */
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /** Median over rounds of this configuration's p50 less the direct call's in the same round. */
  readonly addedP50: number;
  /** Median over rounds of this configuration's throughput over the plain proxy's, same round. */
  readonly throughputVsPlain: number;
  /**
   * Median over rounds of the CPU time the serving process (the gateway, the plain proxy) used per
   * request, from /proc; absent for the direct call and where there is no /proc.
   */
  readonly serverCpuUs?: number;
}

export interface MemoryFigures {
  readonly firstRequests: number;
  readonly lastRequests: number;
  readonly first: { readonly rss: number; readonly heapUsed: number };
  readonly last: { readonly rss: number; readonly heapUsed: number };
}

export interface ProxyResults {
  readonly rounds: number;
  readonly requests: number;
  readonly cells: ProxyCell[];
  memory?: MemoryFigures;
  logs?: { readonly requests: number; readonly accessLines: number; readonly emf: number };
}
