// Deterministic observability settings for every test process.
process.env.POWERTOOLS_SERVICE_NAME = 'gateway';
process.env.POWERTOOLS_METRICS_NAMESPACE = 'Gateway';
process.env.POWERTOOLS_DEV = 'false';
delete process.env.POWERTOOLS_METRICS_DISABLED;
