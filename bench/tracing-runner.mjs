// One warm Lambda container of the built gateway bundle, in its own process: imports the bundle
// (init), then invokes one event WARMUP + REQUESTS times, one at a time as Lambda does, and prints
// `TIMES <json array of ms>` for the measured invocations. Logs and EMF go to stdout as on Lambda.
// Usage: node tracing-runner.mjs <bundle.mjs> <event.json> <warmup> <requests>
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [bundle, eventFile, warmup, requests] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const { handler } = await import(pathToFileURL(bundle).href);
const context = () => ({
  awsRequestId: 'bench',
  functionName: 'gateway',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:gateway',
  memoryLimitInMB: '1024',
  getRemainingTimeInMillis: () => 30_000,
});
const times = [];
for (let i = 0; i < Number(warmup) + Number(requests); i += 1) {
  const started = performance.now();
  const result = await handler(structuredClone(event), context());
  const elapsed = performance.now() - started;
  if (result.statusCode !== 200) {
    process.stderr.write(`status ${result.statusCode}: ${result.body}\n`);
    process.exit(1);
  }
  if (i >= Number(warmup)) times.push(elapsed);
}
process.stderr.write(`TIMES ${JSON.stringify(times)}\n`);
process.exit(0);
