// Runs a synthesized Lambda asset the way the Node.js runtime does: cwd is the asset folder,
// the bundle is imported as a real ES module, and the handler gets the event and a context.
// Usage: node invoke-bundle.mjs <assetDir> <handlerFile> <exportName> <eventFile>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [assetDir, file, exportName, eventFile] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
process.chdir(assetDir);
const module = await import(pathToFileURL(join(assetDir, file)).href);
const context = {
  awsRequestId: 'bundle-test',
  functionName: 'gateway',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:gateway',
  memoryLimitInMB: '1024',
  getRemainingTimeInMillis: () => 30_000,
};
const result = await module[exportName](event, context);
// Lambda freezes the process after the response; open connections (Redis) must not keep it here.
process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`, () => process.exit(0));
