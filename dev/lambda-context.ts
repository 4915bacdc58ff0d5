import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

const noop = (): void => undefined;

/**
 * A Lambda context as the runtime would pass it, for the local server and tests. A class, so
 * that a request costs one object and no fresh closures (the local server makes one per request).
 */
class LocalLambdaContext implements Context {
  callbackWaitsForEmptyEventLoop = true;
  functionName = 'gateway-local';
  functionVersion = '$LATEST';
  invokedFunctionArn = 'arn:aws:lambda:local:000000000000:function:gateway-local';
  memoryLimitInMB = '1024';
  awsRequestId = randomUUID();
  logGroupName = '/aws/lambda/gateway-local';
  logStreamName = 'local';
  done = noop;
  fail = noop;
  succeed = noop;
  readonly #deadline: number;

  constructor(timeoutMs: number) {
    this.#deadline = Date.now() + timeoutMs;
  }

  getRemainingTimeInMillis(): number {
    return Math.max(0, this.#deadline - Date.now());
  }
}

export const lambdaContext = (timeoutMs = 30_000): Context => new LocalLambdaContext(timeoutMs);
