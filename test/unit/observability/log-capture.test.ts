import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { loggerOptions } from '../../../functions/gateway/observability/logger';
import { captureOutput } from '../../helpers/capture-output';
import { LOG_CAPTURE_DIR, recordChildOutput } from '../../helpers/log-capture';

/** Everything captured so far by any process of this run. */
const captured = (): string =>
  readdirSync(LOG_CAPTURE_DIR)
    .map((name) => readFileSync(join(LOG_CAPTURE_DIR, name), 'utf8'))
    .join('\n');

/** The scan is only as good as what it reads: every way a test produces output must land there. */
describe('Log capture: what `npm run test:logs` reads', () => {
  it('holds what the process writes to stdout and stderr, and what the gateway logger writes', () => {
    const marker = randomUUID();

    process.stdout.write(`capture self-test stdout ${marker}\n`);
    process.stderr.write(Buffer.from(`capture self-test stderr ${marker}\n`));
    new Logger({ ...loggerOptions, serviceName: 'capture-test' }).info('capture self-test logger', {
      marker,
    });

    const text = captured();
    expect(text).toContain(`capture self-test stdout ${marker}`);
    expect(text).toContain(`capture self-test stderr ${marker}`);
    expect(text).toMatch(new RegExp(`"message":"capture self-test logger".*"marker":"${marker}"`));
  });

  it('holds what a test swallows with captureOutput', () => {
    const marker = randomUUID();
    const output = captureOutput();
    try {
      process.stdout.write(`swallowed ${marker}\n`);
    } finally {
      output.restore();
    }

    expect(output.text()).toContain(marker);
    expect(captured()).toContain(`swallowed ${marker}`);
  });

  it("holds a child process's logs a test records", () => {
    const marker = randomUUID();

    recordChildOutput('self-test', {
      stdout: `child stdout ${marker}`,
      stderr: `child stderr ${marker}`,
    });

    expect(captured()).toContain(`child stdout ${marker}`);
    expect(captured()).toContain(`child stderr ${marker}`);
  });
});
