import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where every line the test suite writes ends up for the secret scan (`npm run test:logs`): one
 * file per writing process, so jest workers and the children tests spawn never interleave. The
 * test environment (`log-capture-environment.js`) copies stdout and stderr here; this module is
 * for output that does not pass through them. Emptied by jest's global setup; gitignored.
 */
export const LOG_CAPTURE_DIR = join(__dirname, '..', '..', '.log-capture');

const fileDescriptors = new Map<string, number>();

const descriptorFor = (name: string): number => {
  let fd = fileDescriptors.get(name);
  if (fd === undefined) {
    mkdirSync(LOG_CAPTURE_DIR, { recursive: true });
    fd = openSync(join(LOG_CAPTURE_DIR, name), 'a');
    fileDescriptors.set(name, fd);
  }
  return fd;
};

const processFile = (): string => `jest-${process.env.JEST_WORKER_ID ?? 'main'}-${process.pid}.log`;

/** Appends what this process wrote (a stdout or stderr chunk) to its capture file. */
export const appendToLogCapture = (chunk: string | Uint8Array): void => {
  if (chunk.length === 0) return;
  const fd = descriptorFor(processFile());
  if (typeof chunk === 'string') writeSync(fd, chunk);
  else writeSync(fd, chunk);
};

let children = 0;

const childFile = (label: string): string => {
  children += 1;
  const safe = label.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60);
  return `child-${process.pid}-${children}-${safe}.log`;
};

/**
 * Records the output of a child process a test ran to completion (an `execFile` result). Pass
 * only the streams that are logs: a command whose stdout *is* its answer (`session create
 * --quiet` prints the new cookie, by design) passes `stdout: undefined` and says why.
 */
export const recordChildOutput = (
  label: string,
  output: { readonly stdout?: string | Buffer; readonly stderr?: string | Buffer },
): void => {
  const text = [output.stdout, output.stderr]
    .filter((part) => part !== undefined)
    .map(String)
    .join('\n');
  if (text.length === 0) return;
  mkdirSync(LOG_CAPTURE_DIR, { recursive: true });
  const fd = openSync(join(LOG_CAPTURE_DIR, childFile(label)), 'a');
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
};

/** Copies a running child's stdout and stderr (spawned with pipes) to the capture as they come. */
export const captureChildOutput = (child: ChildProcess, label: string): void => {
  mkdirSync(LOG_CAPTURE_DIR, { recursive: true });
  const fd = openSync(join(LOG_CAPTURE_DIR, childFile(label)), 'a');
  let open = 2;
  const done = (): void => {
    open -= 1;
    if (open === 0) closeSync(fd);
  };
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) {
      done();
      continue;
    }
    stream.on('data', (chunk: Buffer) => writeSync(fd, chunk));
    stream.once('close', done);
  }
};
