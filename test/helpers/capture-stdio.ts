import { appendToLogCapture } from './log-capture';

/**
 * A jest `setupFiles` module: everything this worker writes to stdout and stderr is also appended
 * to its file under `.log-capture/`, which `npm run test:logs` scans for secrets after jest.
 * `captureOutput` (which swallows output while a test reads it) appends to the same file.
 *
 * jest runs setup files once per test file, in a fresh module registry, while the streams live as
 * long as the worker: the wrapper is installed once per stream, marked with a global symbol.
 */
const INSTALLED = Symbol.for('gateway.test.logCapture');

type Write = NodeJS.WriteStream['write'];

const install = (stream: NodeJS.WriteStream): void => {
  const marked = stream as NodeJS.WriteStream & { [INSTALLED]?: true };
  if (marked[INSTALLED]) return;
  marked[INSTALLED] = true;
  const original = stream.write;
  const capturing = function (this: NodeJS.WriteStream, ...args: Parameters<Write>): boolean {
    const [chunk] = args;
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) appendToLogCapture(chunk);
    return Reflect.apply(original, this, args) as boolean;
  };
  stream.write = capturing as Write;
};

install(process.stdout);
install(process.stderr);
