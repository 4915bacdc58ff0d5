import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { recordChildOutput } from '../helpers/log-capture';

const ROOT = join(__dirname, '..', '..');

/** Every script a user runs answers `--help` with its usage and exit code 0, doing nothing else. */
describe('Integration: --help on every script', () => {
  it.each([
    ['start', 'usage: npm start'],
    ['session', 'npm run session -- create'],
    ['check-config', 'usage: npm run check-config'],
    ['map-stack', 'usage: npm run map-stack'],
    ['bench:sessions', 'usage: npm run bench:sessions'],
    ['bench:ratelimit', 'usage: npm run bench:ratelimit'],
    ['bench:proxy', 'usage: npm run bench:proxy'],
    ['bench:memory', 'npm run bench:memory'],
    ['bench', 'usage: npm run bench [-- --quick]'],
    ['bench:cold-start', 'usage: npm run bench:cold-start'],
    ['soak', 'usage: npm run soak'],
  ])(
    'npm run %s -- --help exits 0 with its usage',
    (script, usage) => {
      // Act
      const result = spawnSync('npm', ['run', '--silent', script, '--', '--help'], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      });
      recordChildOutput(`help-${script}`, { stdout: result.stdout, stderr: result.stderr });

      // Assess
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(usage);
    },
    70_000,
  );
});

describe('Integration: npm run check-config', () => {
  const check = (...args: string[]) => {
    const result = spawnSync('npm', ['run', '--silent', 'check-config', '--', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    recordChildOutput('check-config', { stdout: result.stdout, stderr: result.stderr });
    return result;
  };

  it('passes the shipped route table, naming its routes', () => {
    const result = check();

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('config/gateway.yml: OK, 3 route(s): demo, demo-stream, users');
  }, 70_000);

  it('lists six mistakes of one file at once, each by route id and field, and exits 1', () => {
    const result = check('test/fixtures/six-mistakes.yml');

    expect(result.status).toBe(1);
    const problems = result.stderr.split('\n').filter((line) => line.startsWith('  - '));
    expect(result.stderr).toContain(
      'Invalid gateway config test/fixtures/six-mistakes.yml (6 problems):',
    );
    expect(problems.map((line) => /^ {2}- (routes\[[\w-]+\]\.[\w.[\]]+):/.exec(line)?.[1])).toEqual(
      [
        'routes[users].upstream',
        'routes[users].methods[1]',
        'routes[users].rate_limit.refil_per_second',
        'routes[orders].rate_limit.scope',
        'routes[reports].rate_limit',
        'routes[public-orders].upstream',
      ],
    );
  }, 70_000);
});
