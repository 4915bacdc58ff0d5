/** What the proxy benchmark's processes tell each other over their IPC channels. */

/** A child server says where it listens. */
export interface ListeningMessage {
  readonly kind: 'listening';
  readonly url: string;
}

/** The load driver is asked for `requests` GETs of `path` at `origin`, `inFlight` at a time. */
export interface DriveRequest {
  readonly kind: 'drive';
  readonly id: number;
  readonly origin: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly inFlight: number;
  readonly requests: number;
}

/** What one drive saw: latencies from the driver's side, in ms. */
export interface DriveResult {
  readonly kind: 'driven';
  readonly id: number;
  readonly requests: number;
  readonly seconds: number;
  readonly p50: number;
  readonly p99: number;
  /** Answers other than 200, with a sample: a benchmark of errors measures nothing. */
  readonly unexpected: number;
  readonly sample?: string;
}
