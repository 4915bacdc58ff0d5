// Deterministic observability settings for every test process.
process.env.POWERTOOLS_SERVICE_NAME = 'gateway';
process.env.POWERTOOLS_METRICS_NAMESPACE = 'Gateway';
process.env.POWERTOOLS_DEV = 'false';
delete process.env.POWERTOOLS_METRICS_DISABLED;
// We develop and test on Node.js 20 knowingly (the Lambda runs 24); the SDK's notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
