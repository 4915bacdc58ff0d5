import { appendToLogCapture } from './log-capture';

/**
 * Captures what the process writes to stdout and stderr (Powertools logs, EMF documents) while a
 * test runs, and keeps it off the test report (not off the secret scan: see `log-capture.ts`).
 * Call in `beforeEach`; `restore()` in `afterEach`.
 */
export const captureOutput = () => {
  const chunks: string[] = [];
  const record = (chunk: string | Uint8Array): boolean => {
    appendToLogCapture(chunk);
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(record),
    jest.spyOn(process.stderr, 'write').mockImplementation(record),
  ];
  return {
    text: (): string => chunks.join(''),
    /** Every JSON line written so far, parsed. */
    json: (): Record<string, unknown>[] =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
};
