import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { DEFAULT_SERVICE_NAME } from './metric-names';
import type { Tracing } from './tracing';

/**
 * Tracing through the Powertools tracer (X-Ray). Upstream calls need nothing here: the tracer
 * subscribes to undici's diagnostics channels, which the proxy's undici publishes too, so each
 * upstream request is a subsegment named by its host and carries `X-Amzn-Trace-Id` onward.
 * Outside Lambda (`npm start`, `sam local`) the tracer turns itself off.
 */
export const powertoolsTracing = (): Tracing => {
  const tracer = new Tracer({
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? DEFAULT_SERVICE_NAME,
  });
  return {
    active: tracer.isTracingEnabled(),
    // No response in the trace: it carries Set-Cookie and user data (`captureResponse: false`).
    middleware: captureLambdaHandler(tracer, { captureResponse: false }),
    captureAwsClient: (client) => tracer.captureAWSv3Client(client),
    span: async (name, work) => {
      const parent = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
      if (!parent) return work();
      const subsegment = parent.addNewSubsegment(name);
      subsegment.addAttribute('namespace', 'remote');
      try {
        return await work();
      } catch (error) {
        if (error instanceof Error) subsegment.addError(error, true);
        throw error;
      } finally {
        subsegment.close();
      }
    },
    annotate: (key, value) => {
      if (tracer.isTracingEnabled()) tracer.putAnnotation(key, value);
    },
  };
};
