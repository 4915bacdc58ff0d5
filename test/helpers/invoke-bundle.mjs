// Runs a synthesized Lambda asset the way the Node.js runtime does: cwd is the asset folder, bare
// imports the bundle leaves out (the runtime's AWS SDK) resolve through NODE_PATH as the runtime's
// loader does, the bundle is imported once as a real ES module (init), and each event is one
// invocation of that warm instance. A handler marked by `awslambda.streamifyResponse` is called as
// the runtime calls it, with a response stream; the `awslambda` global, as on Lambda, must exist
// before the bundle loads (`node --import <stand-in>`).
// Usage: node [--import <awslambda stand-in>] invoke-bundle.mjs <assetDir> <handlerFile> <exportName> <eventFile>...
// Prints `NODE <version>`, `HANDLER <typeof the export>`, `STREAMING <true|false>`, then one
// `RESULT <json>` line per event.
import { readFileSync } from 'node:fs';
import { register } from 'node:module';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';

// The runtime interface client's own mark for a streaming handler.
const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const STREAM_RESPONSE = 'response';

const [assetDir, file, exportName, ...eventFiles] = process.argv.slice(2);
const events = eventFiles.map((eventFile) => JSON.parse(readFileSync(eventFile, 'utf8')));
if (process.env.NODE_PATH) {
  register(new URL('./node-path-hooks.mjs', import.meta.url), {
    data: { nodePath: process.env.NODE_PATH },
  });
}
process.chdir(assetDir);

const print = (line) => new Promise((resolve) => process.stdout.write(`\n${line}\n`, resolve));

const context = {
  awsRequestId: 'bundle-test',
  functionName: 'gateway',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:gateway',
  memoryLimitInMB: '1024',
  getRemainingTimeInMillis: () => 30_000,
};

/** What the runtime hands a streaming handler: the prelude (status, headers) and the body bytes. */
const responseStream = () => {
  const chunks = [];
  let prelude = {};
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  stream.setPrelude = (value) => {
    prelude = value;
  };
  const result = () => ({
    ...prelude,
    body: Buffer.concat(chunks).toString('base64'),
    isBase64Encoded: true,
  });
  return { stream, result };
};

await print(`NODE ${process.version}`);
const module = await import(pathToFileURL(join(assetDir, file)).href);
const handler = module[exportName];
await print(`HANDLER ${typeof handler}`);
const streaming = handler?.[HANDLER_STREAMING] === STREAM_RESPONSE;
await print(`STREAMING ${streaming}`);
for (const event of events) {
  let result;
  if (streaming) {
    const response = responseStream();
    await handler(event, response.stream, { ...context });
    result = response.result();
  } else {
    result = await handler(event, { ...context });
  }
  await print(`RESULT ${JSON.stringify(result)}`);
}
// Lambda freezes the process after the response; open connections (Redis) must not keep it here.
process.exit(0);
