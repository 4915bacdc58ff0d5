import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

export interface GatewayMonitoringProps {
  readonly function: IFunction;
  /** Namespace and service of the gateway's EMF metrics. @default 'Gateway', 'gateway' */
  readonly namespace?: string;
  readonly service?: string;
  /** @default 'Gateway' */
  readonly dashboardName?: string;
  /** Alarm when more than this share of responses are 5xx over 5 minutes. @default 0.05 */
  readonly errorRateThreshold?: number;
  /** Alarm when p99 of the gateway's latency exceeds this, in ms, for 3 periods. @default 2000 */
  readonly p99LatencyThresholdMs?: number;
}

/**
 * The dashboard and alarms users watch the gateway with: the gateway's own EMF metrics
 * (gateway-wide [service] dimension set) next to Lambda's.
 */
export class GatewayMonitoring extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: {
    readonly errorRate: Alarm;
    readonly p99Latency: Alarm;
    readonly throttles: Alarm;
    readonly failOpen: Alarm;
  };

  constructor(scope: Construct, id: string, props: GatewayMonitoringProps) {
    super(scope, id);
    const namespace = props.namespace ?? 'Gateway';
    const dimensionsMap = { service: props.service ?? 'gateway' };
    const gateway = (metricName: string, statistic = 'Sum') =>
      new Metric({ namespace, metricName, dimensionsMap, statistic, period: Duration.minutes(1) });

    const requests = gateway('Requests');
    const errors5xx = gateway('Responses5xx');
    const errorRate = new MathExpression({
      expression: 'IF(requests > 0, errors / requests, 0)',
      usingMetrics: { requests, errors: errors5xx },
      label: '5xx share',
      period: Duration.minutes(1),
    });
    const latencyP99 = gateway('Latency', 'p99');

    // Every alarm fires above its threshold, and no data (no traffic) is not a breach.
    const above = (
      id: string,
      alarmDescription: string,
      metric: IMetric,
      threshold: number,
      evaluationPeriods: number,
    ) =>
      new Alarm(this, id, {
        alarmDescription,
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    this.alarms = {
      errorRate: above(
        'ErrorRate',
        'More than the allowed share of gateway responses are 5xx',
        errorRate,
        props.errorRateThreshold ?? 0.05,
        5,
      ),
      p99Latency: above(
        'P99Latency',
        'Gateway p99 latency is above the threshold',
        latencyP99,
        props.p99LatencyThresholdMs ?? 2000,
        3,
      ),
      throttles: above(
        'Throttles',
        'Lambda is throttling the gateway (concurrency limit reached)',
        props.function.metricThrottles({ period: Duration.minutes(1), statistic: 'Sum' }),
        0,
        1,
      ),
      failOpen: above(
        'RateLimitFailOpen',
        'Requests pass without rate limiting because Redis cannot decide',
        gateway('RateLimitFailOpen'),
        0,
        1,
      ),
    };

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: (props.dashboardName ?? 'Gateway').replace(/[^A-Za-z0-9_-]/g, '-'),
    });
    const widget = (
      title: string,
      left: (Metric | MathExpression)[],
      right?: (Metric | MathExpression)[],
    ) => new GraphWidget({ title, left, ...(right ? { right } : {}), width: 12 });
    this.dashboard.addWidgets(
      widget('Requests and 5xx share', [requests, gateway('Responses4xx'), errors5xx], [errorRate]),
      widget('Latency (ms)', [
        gateway('Latency', 'p50'),
        latencyP99,
        gateway('UpstreamLatency', 'p99'),
      ]),
      widget('Rate limiting', [gateway('RateLimited'), gateway('RateLimitFailOpen')]),
      widget('Auth failures and dependency errors', [
        new MathExpression({
          expression: `SEARCH('{${namespace},service,reason} MetricName="AuthFailures"', 'Sum', 60)`,
          label: 'auth failures',
        }),
        new MathExpression({
          expression: `SEARCH('{${namespace},service,dependency} MetricName="DependencyErrors"', 'Sum', 60)`,
          label: 'dependency errors',
        }),
      ]),
      widget(
        'Lambda',
        [
          props.function.metricInvocations({ statistic: 'Sum' }),
          props.function.metricErrors({ statistic: 'Sum' }),
          props.function.metricThrottles({ statistic: 'Sum' }),
        ],
        [props.function.metricDuration({ statistic: 'p99' })],
      ),
    );
  }
}
