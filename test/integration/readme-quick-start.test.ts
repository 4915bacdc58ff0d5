import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { useNpmStart } from '../helpers/gateway-server';
import { recordChildOutput } from '../helpers/log-capture';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const PORT = 27_094;

/** The README's sh blocks, line by line, as a newcomer would paste them. */
const readmeLines = (): string[] =>
  [...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/^```sh\n([\s\S]*?)^```/gm)].flatMap(
    (block) => (block[1] ?? '').split('\n').filter((line) => line.trim() !== ''),
  );

/** `curl -i [--cookie "..."] localhost:8080/path   # 200 ...`: the path and the status it promises. */
const curlOf = (
  line: string,
): { path: string; status: number; withCookie: boolean } | undefined => {
  const match = /^curl -i (--cookie "[^"]+" )?localhost:8080(\S+)\s*(?:#\s*(.*))?$/.exec(line);
  if (!match) return undefined;
  const promised = /\b([1-5]\d\d)\b/.exec(match[3] ?? '')?.[1];
  return { path: match[2] as string, status: Number(promised ?? 200), withCookie: !!match[1] };
};

describe('Integration: the README quick start, as written', () => {
  useNpmStart(() => ({ GATEWAY_PORT: String(PORT), DYNAMODB_PORT: String(PORT + 1) }));

  it('answers every curl line of the README with the status its comment promises', async () => {
    // Prepare: the README's session command, on this test's store port
    const sessionLine = readmeLines().find((line) => line.startsWith('COOKIE=$(npm run'));
    const args = /npm run -s session -- (.+?)\)$/.exec(sessionLine ?? '')?.[1]?.split(' ') ?? [];
    expect(args).toContain('create');
    const { AWS_REGION: _r, AWS_PROFILE: _p, DYNAMODB_ENDPOINT: _e, ...env } = process.env;
    const session = await run(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        join(ROOT, 'scripts', 'session.ts'),
        ...args,
      ],
      { cwd: ROOT, env: { ...env, DYNAMODB_PORT: String(PORT + 1) } },
    );
    recordChildOutput('readme-session', { stderr: session.stderr });
    const cookie = session.stdout.trim();

    // Act
    const curls = readmeLines()
      .map(curlOf)
      .filter((curl) => curl !== undefined);
    const answers = [];
    for (const curl of curls) {
      const response = await fetch(`http://127.0.0.1:${PORT}${curl.path}`, {
        headers: curl.withCookie ? { cookie: `session_token=${cookie}` } : {},
      });
      await response.arrayBuffer();
      answers.push({ path: curl.path, status: response.status });
    }

    // Assess
    expect(curls.length).toBeGreaterThanOrEqual(6);
    expect(answers).toEqual(curls.map(({ path, status }) => ({ path, status })));
  }, 60_000);
});
