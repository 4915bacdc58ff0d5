/**
 * Checks a document against the CloudWatch Embedded Metric Format specification: a `_aws` member
 * with a millisecond Timestamp and CloudWatchMetrics directives, each with a Namespace, dimension
 * sets whose keys are present as strings at the root, and metric definitions whose values are
 * present as numbers (or arrays of numbers) at the root. Returns the problems found.
 */
export const emfProblems = (doc: Record<string, unknown>): string[] => {
  const problems: string[] = [];
  const aws = doc._aws as { Timestamp?: unknown; CloudWatchMetrics?: unknown } | undefined;
  if (!aws || typeof aws !== 'object') return ['no _aws member'];
  if (typeof aws.Timestamp !== 'number' || !Number.isInteger(aws.Timestamp))
    problems.push('Timestamp is not integer ms');
  if (!Array.isArray(aws.CloudWatchMetrics) || aws.CloudWatchMetrics.length === 0)
    return [...problems, 'no CloudWatchMetrics'];
  for (const directive of aws.CloudWatchMetrics as Record<string, unknown>[]) {
    const namespace = directive.Namespace;
    if (typeof namespace !== 'string' || namespace.length === 0 || namespace.length > 255)
      problems.push('bad Namespace');
    const dimensions = directive.Dimensions;
    if (!Array.isArray(dimensions)) problems.push('Dimensions is not an array');
    for (const set of (dimensions ?? []) as unknown[]) {
      if (!Array.isArray(set) || set.length > 30)
        problems.push('a dimension set is not an array of at most 30');
      for (const key of (set ?? []) as unknown[]) {
        if (typeof key !== 'string' || typeof doc[key] !== 'string')
          problems.push(`dimension ${String(key)} has no string value`);
      }
    }
    const metrics = directive.Metrics;
    if (!Array.isArray(metrics) || metrics.length === 0 || metrics.length > 100)
      problems.push('Metrics is not 1-100 definitions');
    for (const metric of (metrics ?? []) as { Name?: unknown; Unit?: unknown }[]) {
      const value = typeof metric.Name === 'string' ? doc[metric.Name] : undefined;
      const numeric =
        typeof value === 'number' ||
        (Array.isArray(value) && value.every((v) => typeof v === 'number'));
      if (!numeric) problems.push(`metric ${String(metric.Name)} has no numeric value`);
      if (metric.Unit !== undefined && typeof metric.Unit !== 'string')
        problems.push(`metric ${String(metric.Name)} has a bad Unit`);
    }
  }
  return problems;
};

/** The metric names a document defines, across its directives. */
export const emfMetricNames = (doc: Record<string, unknown>): string[] =>
  (
    (doc._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }).CloudWatchMetrics ?? []
  ).flatMap((d) => d.Metrics.map((m) => m.Name));
