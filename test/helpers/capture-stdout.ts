/**
 * Captures what the process writes to stdout (Powertools logs and EMF documents) while a test
 * runs, and keeps it off the test report. Call in `beforeEach`; `restore()` in `afterEach`.
 */
export const captureStdout = () => {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  return {
    text: (): string => chunks.join(''),
    /** Every JSON line written so far, parsed. */
    json: (): Record<string, unknown>[] =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => spy.mockRestore(),
  };
};
