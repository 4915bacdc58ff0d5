import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { lambdaContext } from '../../dev/lambda-context';
import { createGateway, type GatewayDependencies } from '../../functions/gateway/create-gateway';
import type { FunctionUrlEvent, FunctionUrlResult } from '../../functions/gateway/http/types';
import { parseConfig } from '../../functions/gateway/loader/load-config';
import { loggerOptions } from '../../functions/gateway/observability/logger';
import type {
  Upstream,
  UpstreamRequest,
  UpstreamResponse,
} from '../../functions/gateway/proxy/upstream';

/** A route table in YAML, validated by the real loader. */
export const configFrom = (yaml: string, env: Record<string, string> = {}) =>
  parseConfig(yaml, 'test.yml', env);

/** An upstream port that records what it was sent and answers as told. */
export const recordingUpstream = (
  answer: (request: UpstreamRequest) => UpstreamResponse | Promise<UpstreamResponse> = () => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    setCookies: [],
    body: Buffer.from('{"ok":true}'),
  }),
): Upstream & { requests: UpstreamRequest[] } => {
  const requests: UpstreamRequest[] = [];
  return {
    requests,
    forward: async (request) => {
      requests.push(request);
      return answer(request);
    },
  };
};

/** The real middy chain with fresh logger and metrics instances and the given ports. */
export const testGateway = (
  deps: Partial<GatewayDependencies> & Pick<GatewayDependencies, 'config'>,
) => {
  const handler = createGateway({
    upstream: recordingUpstream(),
    // The production logger settings (redaction included), at debug level so every line is written.
    logger: new Logger({ ...loggerOptions, logLevel: 'DEBUG' }),
    metrics: new Metrics({ namespace: 'Gateway', serviceName: 'gateway' }),
    ...deps,
  });
  return async (event: FunctionUrlEvent): Promise<FunctionUrlResult> => {
    const result = await handler(event, lambdaContext(), { signal: new AbortController().signal });
    if (!result) throw new Error('the gateway returned no result');
    return result;
  };
};

export const jsonBody = (result: FunctionUrlResult): Record<string, unknown> =>
  JSON.parse(result.body ?? '') as Record<string, unknown>;
