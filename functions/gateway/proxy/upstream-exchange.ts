import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { BadGatewayError } from '../http/errors';
import { Header } from '../http/header-names';

/**
 * Where one attempt is: `connect` until undici hands the request to a connected socket (so the
 * upstream provably has not seen it), `headers` while waiting for the response head, `body` after.
 * Retries and timeout reasons are decided from it.
 */
export type ExchangeStage = 'connect' | 'headers' | 'body';

type ResponseHeaders = Record<string, string | string[] | undefined>;

export interface ExchangeHead {
  readonly status: number;
  /** Lower-case names, repeated headers joined with `, `; `set-cookie` is in `setCookies`. */
  readonly headers: Record<string, string>;
  readonly setCookies: string[];
}

const flattenHeaders = (raw: ResponseHeaders): Omit<ExchangeHead, 'status'> => {
  const headers: Record<string, string> = {};
  let setCookies: string[] = [];
  for (const name in raw) {
    const value = raw[name];
    if (value === undefined) continue;
    if (name === Header.setCookie) setCookies = Array.isArray(value) ? value : [value];
    else headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { headers, setCookies };
};

/**
 * One attempt of one request, as an undici dispatch handler. Written against the dispatcher
 * directly rather than `Dispatcher.request`, for two reasons: the handler sees the moment the
 * request is handed to a socket (`onRequestStart`), which is what "provably never reached the
 * upstream" means for retries and what names a timeout; and a buffered answer is collected as
 * chunks, without a `Readable` per request.
 */
abstract class Exchange<T> implements Dispatcher.DispatchHandler {
  stage: ExchangeStage = 'connect';
  readonly done: Promise<T>;
  protected resolve!: (value: T) => void;
  protected reject!: (error: Error) => void;
  #controller: Dispatcher.DispatchController | undefined;
  #abortReason: Error | undefined;

  constructor() {
    this.done = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** Stops the attempt; a request still waiting for a socket is stopped as soon as it gets one. */
  abort(reason: Error): void {
    if (this.#controller) this.#controller.abort(reason);
    else this.#abortReason = reason;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.#abortReason) {
      controller.abort(this.#abortReason);
      return;
    }
    this.#controller = controller;
    this.stage = 'headers';
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: ResponseHeaders,
  ): void {
    // 1xx (103 Early Hints, 102 Processing) are interim: the final answer follows.
    if (statusCode < 200) return;
    this.stage = 'body';
    this.onHead(controller, { status: statusCode, ...flattenHeaders(headers) });
  }

  protected abstract onHead(controller: Dispatcher.DispatchController, head: ExchangeHead): void;
  abstract onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void;
  abstract onResponseEnd(): void;

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.reject(error);
  }
}

/** Collects the whole answer, up to `limit` bytes; past it the attempt fails with a 502. */
export class BufferedExchange extends Exchange<ExchangeHead & { readonly body: Uint8Array }> {
  readonly #limit: number;
  #head: ExchangeHead | undefined;
  #chunks: Buffer[] = [];
  #size = 0;

  constructor(limit: number) {
    super();
    this.#limit = limit;
  }

  protected onHead(_controller: Dispatcher.DispatchController, head: ExchangeHead): void {
    this.#head = head;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#size += chunk.length;
    if (this.#size > this.#limit) {
      this.#chunks = [];
      controller.abort(
        new BadGatewayError({ reason: 'response_too_large', dependency: 'upstream' }),
      );
      return;
    }
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    const head = this.#head;
    if (!head) {
      this.reject(new Error('upstream answer ended without a head'));
      return;
    }
    const chunks = this.#chunks;
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, this.#size);
    this.resolve({ ...head, body });
  }
}

/** Resolves at the head and hands the body over as a stream, with back-pressure. */
export class StreamingExchange extends Exchange<ExchangeHead & { readonly body: Readable }> {
  #body: Readable | undefined;
  #complete = false;

  protected onHead(controller: Dispatcher.DispatchController, head: ExchangeHead): void {
    const body = new Readable({
      read: () => controller.resume(),
      destroy: (error, callback) => {
        // Released early (client gone, a later step failed): stop the upstream transfer too.
        if (!this.#complete) controller.abort(error ?? new Error('upstream body released'));
        callback(error);
      },
    });
    this.#body = body;
    this.resolve({ ...head, body });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#body && !this.#body.push(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    this.#complete = true;
    this.#body?.push(null);
  }

  override onResponseError(
    controller: Dispatcher.DispatchController | undefined,
    error: Error,
  ): void {
    if (this.#body) this.#body.destroy(error);
    else super.onResponseError(controller, error);
  }
}
