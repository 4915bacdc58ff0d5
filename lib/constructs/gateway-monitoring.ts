import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  DEFAULT_METRICS_NAMESPACE,
  DEFAULT_SERVICE_NAME,
  MetricDimension,
  MetricName,
} from '../../functions/gateway/observability/metric-names';

/**
 * Lambda's JSON platform record of a failed init (`INIT_REPORT ... Status: error|timeout` in text
 * format): a missing route, a bad route table or a crash at import. An init failure emits no EMF, so
 * the 5xx share stays green; this and the Errors alarm see it.
 */
export const INIT_FAILURE_PATTERN =
  '{ $.type = "platform.initReport" && $.record.status != "success" }' as const;

export interface GatewayMonitoringProps {
  readonly function: IFunction;
  /** Namespace and service of the gateway's EMF metrics. @default DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME */
  readonly namespace?: string;
  readonly service?: string;
  /** @default 'Gateway' */
  readonly dashboardName?: string;
  /** Alarm when more than this share of responses are 5xx over 5 minutes. @default 0.05 */
  readonly errorRateThreshold?: number;
  /** Alarm when p99 of the gateway's latency exceeds this, in ms, for 3 periods. @default 2000 */
  readonly p99LatencyThresholdMs?: number;
  /** Every alarm notifies this topic (alarm and back to OK). */
  readonly alarmTopic: ITopic;
  /** The function's log group, read for init failures. */
  readonly logGroup: ILogGroup;
  /** The rate-limit cache's member clusters (the `CacheClusterId` dimension). */
  readonly cacheClusterIds: readonly string[];
  /** Alarm when a cache node holds more client connections than this (one per warm container). @default 1000 */
  readonly cacheConnectionsThreshold?: number;
  /** The session table's name, and the operations the gateway sends to it. */
  readonly tableName: string;
  readonly tableOperations: readonly string[];
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
    readonly lambdaErrors: Alarm;
    readonly initFailures: Alarm;
    readonly cacheCpu: Alarm;
    readonly cacheMemory: Alarm;
    readonly cacheEvictions: Alarm;
    readonly cacheConnections: Alarm;
    readonly tableThrottles: Alarm;
    readonly tableSystemErrors: Alarm;
  };

  constructor(scope: Construct, id: string, props: GatewayMonitoringProps) {
    super(scope, id);
    const namespace = props.namespace ?? DEFAULT_METRICS_NAMESPACE;
    const dimensionsMap = { [MetricDimension.service]: props.service ?? DEFAULT_SERVICE_NAME };
    // Only names the runtime emits (test/infra/metric-names.test.ts checks the template).
    const gateway = (metricName: MetricName, statistic = 'Sum') =>
      new Metric({ namespace, metricName, dimensionsMap, statistic, period: Duration.minutes(1) });

    const requests = gateway(MetricName.requests);
    const errors5xx = gateway(MetricName.responses5xx);
    const errorRate = new MathExpression({
      expression: 'IF(requests > 0, errors / requests, 0)',
      usingMetrics: { requests, errors: errors5xx },
      label: '5xx share',
      period: Duration.minutes(1),
    });
    const latencyP99 = gateway(MetricName.latency, 'p99');

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

    // Init failures, counted from the function's own log group.
    const initFailureMetric = new MetricFilter(this, 'InitFailureFilter', {
      logGroup: props.logGroup,
      filterPattern: FilterPattern.literal(INIT_FAILURE_PATTERN),
      metricNamespace: `${namespace}/Lambda`,
      metricName: `InitFailures-${Stack.of(this).stackName}`,
      metricValue: '1',
    }).metric({ statistic: 'Sum', period: Duration.minutes(1) });

    // A cache metric, the worst node of the group (the primary moves on a failover).
    const cache = (metricName: string, statistic: string, label: string) => {
      const nodes = Object.fromEntries(
        props.cacheClusterIds.map((CacheClusterId, index) => [
          `${metricName.toLowerCase()}${index}`,
          new Metric({
            namespace: 'AWS/ElastiCache',
            metricName,
            dimensionsMap: { CacheClusterId },
            statistic,
            period: Duration.minutes(1),
          }),
        ]),
      );
      return new MathExpression({
        expression: `MAX([${Object.keys(nodes).join(', ')}])`,
        usingMetrics: nodes,
        label,
        period: Duration.minutes(1),
      });
    };
    const cacheCpu = cache('EngineCPUUtilization', 'Average', 'cache engine CPU %');
    const cacheMemory = cache('DatabaseMemoryUsagePercentage', 'Maximum', 'cache memory %');
    const cacheEvictions = cache('Evictions', 'Sum', 'cache evictions');
    const cacheConnections = cache('CurrConnections', 'Maximum', 'cache connections');

    const table = (metricName: string, extra: Record<string, string> = {}) =>
      new Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: props.tableName, ...extra },
        statistic: 'Sum',
        period: Duration.minutes(1),
      });
    const perOperation = (metricName: string, label: string) => {
      const operations = Object.fromEntries(
        props.tableOperations.map((Operation, index) => [
          `${metricName.toLowerCase()}${index}`,
          table(metricName, { Operation }),
        ]),
      );
      return new MathExpression({
        expression: Object.keys(operations).join(' + ') || '0',
        usingMetrics: operations,
        label,
        period: Duration.minutes(1),
      });
    };
    const tableThrottles = perOperation('ThrottledRequests', 'session table throttled requests');
    const tableSystemErrors = perOperation('SystemErrors', 'session table system errors');

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
        gateway(MetricName.rateLimitFailOpen),
        0,
        1,
      ),
      lambdaErrors: above(
        'LambdaErrors',
        'The gateway function failed invocations (crash, timeout, init failure): clients got a bare 502/500',
        props.function.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }),
        0,
        1,
      ),
      initFailures: above(
        'InitFailures',
        'The gateway function failed to start (INIT_REPORT status error or timeout): check its log group',
        initFailureMetric,
        0,
        1,
      ),
      cacheCpu: above(
        'CacheCpu',
        'The rate-limit cache engine CPU is above 80%: takes slow down and fail open',
        cacheCpu,
        80,
        5,
      ),
      cacheMemory: above(
        'CacheMemory',
        'The rate-limit cache memory is above 80%: evictions reset buckets next',
        cacheMemory,
        80,
        5,
      ),
      cacheEvictions: above(
        'CacheEvictions',
        'The rate-limit cache is evicting keys: evicted buckets start full again',
        cacheEvictions,
        0,
        1,
      ),
      cacheConnections: above(
        'CacheConnections',
        'The rate-limit cache holds more connections than expected: a connection leak or too many containers',
        cacheConnections,
        props.cacheConnectionsThreshold ?? 1000,
        5,
      ),
      tableThrottles: above(
        'TableThrottles',
        'DynamoDB is throttling session lookups: requests answer 503',
        tableThrottles,
        0,
        1,
      ),
      tableSystemErrors: above(
        'TableSystemErrors',
        'DynamoDB returned system errors to session lookups: requests answer 503',
        tableSystemErrors,
        0,
        1,
      ),
    };
    const notify = new SnsAction(props.alarmTopic);
    for (const alarm of Object.values(this.alarms)) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: (props.dashboardName ?? 'Gateway').replace(/[^A-Za-z0-9_-]/g, '-'),
    });
    const widget = (
      title: string,
      left: (Metric | MathExpression)[],
      right?: (Metric | MathExpression)[],
    ) => new GraphWidget({ title, left, ...(right ? { right } : {}), width: 12 });
    this.dashboard.addWidgets(
      widget(
        'Requests and 5xx share',
        [requests, gateway(MetricName.responses4xx), errors5xx],
        [errorRate],
      ),
      widget('Latency (ms)', [
        gateway(MetricName.latency, 'p50'),
        latencyP99,
        gateway(MetricName.upstreamLatency, 'p99'),
      ]),
      widget('Rate limiting', [
        gateway(MetricName.rateLimited),
        gateway(MetricName.rateLimitFailOpen),
      ]),
      widget('Auth failures and dependency errors', [
        new MathExpression({
          expression: `SEARCH('{${namespace},${MetricDimension.service},${MetricDimension.reason}} MetricName="${MetricName.authFailures}"', 'Sum', 60)`,
          label: 'auth failures',
        }),
        new MathExpression({
          expression: `SEARCH('{${namespace},${MetricDimension.service},${MetricDimension.dependency}} MetricName="${MetricName.dependencyErrors}"', 'Sum', 60)`,
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
      widget('Init failures', [initFailureMetric]),
      widget('Rate-limit cache', [cacheCpu, cacheMemory], [cacheConnections, cacheEvictions]),
      widget('Session table', [tableThrottles, tableSystemErrors]),
    );
    // One widget per alarm would crowd the page; the alarm status widget shows them all.
    this.dashboard.addWidgets(
      new AlarmStatusWidget({
        title: 'Alarms',
        alarms: Object.values(this.alarms),
        width: 24,
      }),
    );
  }
}
