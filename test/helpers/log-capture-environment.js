// The jest test environment of every project: Node's, plus the log capture. While a test file runs
// (from the environment's setup to its teardown), everything the process writes to stdout and
// stderr is also appended to its file under .log-capture/, which `npm run test:logs` scans for
// credentials after jest. jest's own report (printed between files, in this same process when it
// runs in band) stays out: it quotes test inputs, such as the forged tokens of a failing property.
// `captureOutput` and `recordChildOutput` (test/helpers/log-capture.ts) append to the same place.
// Plain CommonJS: jest loads environments before any transform applies.
const { mkdirSync, openSync, writeSync } = require('node:fs');
const { join } = require('node:path');
const { TestEnvironment } = require('jest-environment-node');

const DIR = join(__dirname, '..', '..', '.log-capture');
// Process-wide state: the environment module is loaded once per test file.
const STATE = Symbol.for('gateway.test.logCapture');

const state = () => {
  if (!process[STATE]) process[STATE] = { activeFiles: 0, fd: undefined };
  return process[STATE];
};

const append = (chunk) => {
  const current = state();
  if (current.activeFiles === 0 || chunk.length === 0) return;
  if (current.fd === undefined) {
    mkdirSync(DIR, { recursive: true });
    const file = `jest-${process.env.JEST_WORKER_ID ?? 'main'}-${process.pid}.log`;
    current.fd = openSync(join(DIR, file), 'a');
  }
  writeSync(current.fd, chunk);
};

const install = (stream) => {
  if (stream[STATE]) return;
  stream[STATE] = true;
  const original = stream.write;
  stream.write = function capturingWrite(chunk, ...rest) {
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) append(chunk);
    return original.call(this, chunk, ...rest);
  };
};

class LogCaptureEnvironment extends TestEnvironment {
  async setup() {
    await super.setup();
    install(process.stdout);
    install(process.stderr);
    state().activeFiles += 1;
  }

  async teardown() {
    state().activeFiles -= 1;
    await super.teardown();
  }
}

module.exports = LogCaptureEnvironment;
