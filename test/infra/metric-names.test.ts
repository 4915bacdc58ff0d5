import { Metrics } from '@aws-lambda-powertools/metrics';
import { emfMetrics } from '../../functions/gateway/observability/emf-metrics';
import {
  DEFAULT_METRICS_NAMESPACE,
  DEFAULT_SERVICE_NAME,
  MetricName,
} from '../../functions/gateway/observability/metric-names';
import { captureOutput } from '../helpers/capture-output';
import { only, resources, synthApp } from './synth';

/** A metric as CloudWatch matches it: namespace, name, and the names of its dimensions. */
interface MetricRef {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: readonly string[];
}
const key = (ref: MetricRef): string =>
  `${ref.namespace} ${ref.name} [${[...ref.dimensions].sort().join(',')}]`;

/**
 * What the runtime writes when every measurement of the `GatewayMetrics` port happens once (each
 * status class, each counter), one invocation's document at a time, as Lambda would log them.
 */
const emittedByRuntime = (): { refs: Set<string>; serviceValues: Set<string> } => {
  const output = captureOutput();
  try {
    const metrics = new Metrics({
      namespace: DEFAULT_METRICS_NAMESPACE,
      serviceName: DEFAULT_SERVICE_NAME,
    });
    const sink = emfMetrics(metrics);
    const invocations: (() => void)[] = [
      ...[200, 302, 404, 503].map(
        (status) => () => sink.request({ routeId: 'r', status, latencyMs: 3, upstreamMs: 2 }),
      ),
      () => sink.rateLimited('r'),
      () => sink.rateLimitedShadow('r'),
      () => sink.rateLimitFailOpen('r'),
      () => sink.authFailure('expired'),
      () => sink.dependencyError('redis'),
    ];
    for (const invoke of invocations) {
      invoke();
      metrics.publishStoredMetrics();
    }
    const refs = new Set<string>();
    const serviceValues = new Set<string>();
    for (const doc of output.json().filter((line) => line._aws)) {
      const directives = (
        doc._aws as {
          CloudWatchMetrics: {
            Namespace: string;
            Dimensions: string[][];
            Metrics: { Name: string }[];
          }[];
        }
      ).CloudWatchMetrics;
      for (const directive of directives) {
        for (const metric of directive.Metrics) {
          for (const dimensions of directive.Dimensions) {
            refs.add(key({ namespace: directive.Namespace, name: metric.Name, dimensions }));
          }
        }
      }
      if (typeof doc.service === 'string') serviceValues.add(doc.service);
    }
    return { refs, serviceValues };
  } finally {
    output.restore();
  }
};

type Dimension = { Name: string; Value: unknown };
type MetricProps = { Namespace?: string; MetricName?: string; Dimensions?: Dimension[] };

/** Every gateway metric the alarms and the dashboard read, with the service value they filter on. */
const readByStack = (template: NonNullable<ReturnType<typeof synthApp>['template']>) => {
  const refs: MetricRef[] = [];
  const serviceValues = new Set<unknown>();
  const add = (namespace: unknown, name: unknown, dimensions: Dimension[] = []) => {
    if (namespace !== DEFAULT_METRICS_NAMESPACE) return;
    refs.push({ namespace, name: String(name), dimensions: dimensions.map((d) => d.Name) });
    for (const d of dimensions) if (d.Name === 'service') serviceValues.add(d.Value);
  };
  for (const [, alarm] of resources(template, 'AWS::CloudWatch::Alarm')) {
    const props = alarm.Properties as MetricProps & {
      Metrics?: { MetricStat?: { Metric: MetricProps } }[];
    };
    add(props.Namespace, props.MetricName, props.Dimensions);
    for (const query of props.Metrics ?? []) {
      const metric = query.MetricStat?.Metric;
      if (metric) add(metric.Namespace, metric.MetricName, metric.Dimensions);
    }
  }
  // The body is a Fn::Join around tokens (region, alarm ARNs); they stand inside JSON strings.
  const body = only(template, 'AWS::CloudWatch::Dashboard').Properties.DashboardBody as
    | string
    | { 'Fn::Join': [string, unknown[]] };
  const text =
    typeof body === 'string'
      ? body
      : body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'token')).join('');
  const dashboard = JSON.parse(text) as {
    widgets: { properties: { metrics?: (string | Record<string, unknown>)[][] } }[];
  };
  for (const widget of dashboard.widgets) {
    for (const row of widget.properties.metrics ?? []) {
      const expression = row.find(
        (cell): cell is { expression: string } =>
          typeof cell === 'object' && typeof cell.expression === 'string',
      );
      const search = expression?.expression.match(/^SEARCH\('\{([^}]+)\} MetricName="([^"]+)"'/);
      if (search) {
        const [namespace, ...dimensions] = (search[1] as string).split(',');
        add(
          namespace,
          search[2],
          dimensions.map((Name) => ({ Name, Value: DEFAULT_SERVICE_NAME })),
        );
        continue;
      }
      const cells = row.filter((cell): cell is string => typeof cell === 'string');
      // A row of strings is [namespace, name, dim1, value1, ...]; '.' repeats the row above's cell.
      if (cells.length >= 2 && cells[0] !== '.') {
        const dimensions: Dimension[] = [];
        for (let i = 2; i + 1 < cells.length; i += 2) {
          dimensions.push({ Name: cells[i] as string, Value: cells[i + 1] });
        }
        add(cells[0], cells[1], dimensions);
      }
    }
  }
  return { refs, serviceValues };
};

// `cdk synth` as the CLI runs it (bin/gateway.ts, cdk.json's context).
const synth = synthApp({});

describe('Infra: the dashboard and alarms read only metrics the runtime emits', () => {
  it('synthesizes', () => {
    expect(synth.status).toBe(0);
  });

  const template = synth.template as NonNullable<typeof synth.template>;

  it('names each gateway metric of an alarm or a widget with a namespace, name and dimensions the runtime writes', () => {
    const emitted = emittedByRuntime();
    const read = readByStack(template);

    expect(read.refs.map(key).filter((ref) => !emitted.refs.has(ref))).toEqual([]);
    // Not vacuous: the 5xx share, latency and fail-open alarms and the dashboard are all found.
    expect(new Set(read.refs.map((ref) => ref.name))).toEqual(
      new Set([
        MetricName.requests,
        MetricName.responses4xx,
        MetricName.responses5xx,
        MetricName.latency,
        MetricName.upstreamLatency,
        MetricName.rateLimited,
        MetricName.rateLimitFailOpen,
        MetricName.authFailures,
        MetricName.dependencyErrors,
      ]),
    );
  });

  it('filters on the service the function is told to write', () => {
    const read = readByStack(template);
    const fn = resources(template, 'AWS::Lambda::Function').find(
      ([, resource]) =>
        (resource.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)
          ?.Variables?.POWERTOOLS_SERVICE_NAME !== undefined,
    );
    const variables = (
      fn?.[1].Properties.Environment as { Variables: Record<string, unknown> } | undefined
    )?.Variables;

    expect(variables?.POWERTOOLS_METRICS_NAMESPACE).toBe(DEFAULT_METRICS_NAMESPACE);
    expect([...read.serviceValues]).toEqual([variables?.POWERTOOLS_SERVICE_NAME]);
    expect(emittedByRuntime().serviceValues).toEqual(new Set([DEFAULT_SERVICE_NAME]));
  });
});
