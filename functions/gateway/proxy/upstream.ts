/** What the gateway sends to an upstream service. Header names are lower case. */
export interface UpstreamRequest {
  readonly url: string;
  /** `url` split for the HTTP client: scheme, host and port ... */
  readonly origin: string;
  /** ... and the raw path with its query. */
  readonly path: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  /** Bounds the whole exchange, retries and body included. */
  readonly timeoutMs: number;
  /** Bounds opening a connection. @default 2000 */
  readonly connectTimeoutMs?: number;
  /** Extra attempts allowed when safe (idempotent, not sent). @default 1 */
  readonly retries?: number;
}

/** An upstream's complete answer, buffered. */
export interface UpstreamResponse {
  readonly status: number;
  /** Lower-case names; `set-cookie` is not here but in `setCookies`, one entry per header. */
  readonly headers: Readonly<Record<string, string>>;
  readonly setCookies: readonly string[];
  readonly body: Uint8Array;
}

/** An upstream's answer whose body is still arriving. */
export interface UpstreamStreamResponse extends Omit<UpstreamResponse, 'body'> {
  readonly body: import('node:stream').Readable;
}

/**
 * The port the proxy step depends on. Implementations throw `UpstreamTimeoutError` when the route's
 * time budget runs out and `BadGatewayError` when the upstream cannot be reached or answers badly.
 */
export interface Upstream {
  forward(request: UpstreamRequest): Promise<UpstreamResponse>;
  /**
   * Like `forward`, but resolves once the headers are in and hands the body over as a stream.
   * `timeoutMs` bounds the wait for headers and each silence in the body, not the whole body.
   */
  stream?(request: UpstreamRequest): Promise<UpstreamStreamResponse>;
}
