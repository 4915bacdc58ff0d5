import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { recordChildOutput } from '../../helpers/log-capture';
import { secretsInSource } from '../../log-scan/known-secrets';
import { LEAK_RULES, scanLine } from '../../log-scan/log-scanner';
import { scanCapture } from '../../log-scan/scan-logs';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');

// Planted values: each is the kind of thing the scan exists to find. None of them is logged here.
const PLANTED_SECRET = 'planted-secret-for-the-scanner-0123456789';
const SESSION_TOKEN = `${'s'.repeat(43)}.${'A'.repeat(42)}Q`;
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXBsYW50ZWQ';

const scan = (line: string) => scanLine(line, LEAK_RULES, { file: 'f.log', line: 1 });

describe('Log scan: what counts as a leaked credential', () => {
  it.each([
    ['a session token', `{"message":"x","value":"${SESSION_TOKEN}"}`, 'session-token'],
    [
      'a bearer credential',
      '{"message":"Authorization: Bearer sk_live_51Hx0PlaNted"}',
      'bearer-or-basic-credential',
    ],
    [
      'a basic credential',
      'auth header was Basic dXNlcjpwYXNzd29yZA==',
      'bearer-or-basic-credential',
    ],
    ['a JWT', `{"message":"jwt ${JWT}"}`, 'jwt'],
    [
      'a cookie header value (JSON)',
      '{"headers":{"cookie":"theme=dark; sid=abc"}}',
      'cookie-value',
    ],
    ['a cookies array', '{"cookies":["session_token=abc.def","theme=dark"]}', 'cookie-value'],
    ['a cookie header value (text)', 'sending Cookie: sid=0123abcd to upstream', 'cookie-value'],
    ['a session cookie pair', 'GET /x?session_token=abcdef0123 failed', 'cookie-value'],
    ['an AWS access key id', '{"accessKeyId":"AKIAABCDEFGHIJKLMNOP"}', 'aws-access-key-id'],
    [
      'an AWS secret access key',
      'aws_secret_access_key=abcdEFGHijklMNOPqrstUVWXyz0123456789ABCD',
      'aws-secret-access-key',
    ],
    ['credentials in a URL', 'connecting to redis://:hunter2pass@10.0.0.5:6379', 'url-credentials'],
    ['a private key', '-----BEGIN RSA PRIVATE KEY-----', 'private-key'],
  ])('finds %s, and masks it in the report', (_case, line, rule) => {
    const finding = scan(line);

    expect(finding?.rules).toContain(rule);
    expect(finding?.excerpt).toContain('[LEAK]');
    for (const value of [
      SESSION_TOKEN,
      JWT,
      'sk_live_51Hx0PlaNted',
      'AKIAABCDEFGHIJKLMNOP',
      'hunter2pass',
    ]) {
      expect(finding?.excerpt).not.toContain(value);
    }
  });

  it.each([
    [
      'a redacted debug line',
      '{"message":"request received","headers":{"authorization":"[REDACTED]","x-api-key":"[REDACTED]","accept":"*/*"},"cookies":"[REDACTED]","query":"token=[REDACTED]&page=2"}',
    ],
    [
      'an access log line',
      '{"message":"request","route":"users","status":401,"auth":"missing_cookie","latency_ms":1.2}',
    ],
    [
      'prose about credentials',
      'Basic realm="gateway", Bearer realm="api": a valid session is required',
    ],
    [
      'a scrubbed error',
      '{"message":"GET http://svc/x?token=[REDACTED] failed (Bearer [REDACTED])"}',
    ],
    ['a cookie name without a value', '{"reason":"missing_cookie","cookie_name":"session_token"}'],
    ['a redacted URL credential', 'redis://:[REDACTED]@10.0.0.5:6379'],
  ])('leaves %s alone', (_case, line) => {
    expect(scan(line)).toBeUndefined();
  });

  it('collects the suite secrets from sources, not from a copy', () => {
    const source = `
const SECRET = 'collected-secret-value-0123456789';
const env = { REDIS_PASSWORD: 'p4ssw0rd!x', SESSION_SECRET_ARN: 'arn:aws:secretsmanager:x' };
const OTHER = 'unbound-but-self-describing-secret-42';
const note = 'session_token';
it('mentions a secret in a title', () => undefined);
`;
    expect(secretsInSource(source).sort()).toEqual([
      'collected-secret-value-0123456789',
      'p4ssw0rd!x',
      'unbound-but-self-describing-secret-42',
    ]);
  });
});

describe('Log scan: npm run test:logs', () => {
  let dir: string;
  let sources: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'log-scan-'));
    sources = mkdtempSync(join(tmpdir(), 'log-scan-src-'));
    mkdirSync(join(sources, 'test'));
    writeFileSync(join(sources, 'test', 'a.test.ts'), `const SECRET = '${PLANTED_SECRET}';\n`);
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(sources, { recursive: true, force: true });
  });

  it('names the file and line of every leak, including the suite secrets it collected', async () => {
    writeFileSync(
      join(dir, 'jest-1.log'),
      [
        '{"message":"ok"}',
        `{"message":"signed with ${PLANTED_SECRET}"}`,
        '{"message":"ok"}',
        `{"x":"${JWT}"}`,
      ].join('\n'),
    );

    const report = await scanCapture(dir, sources);

    expect(report?.findings.map((f) => [f.file, f.line, f.rules])).toEqual([
      [join(dir, 'jest-1.log'), 2, ['known-test-secret']],
      [join(dir, 'jest-1.log'), 4, ['jwt']],
    ]);
  });

  it('fails the command on a planted line, exits 0 on a clean capture and 2 on an empty one', async () => {
    const scanLogs = (...args: string[]) =>
      run(
        process.execPath,
        [
          join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
          join(ROOT, 'test', 'log-scan', 'scan-logs.ts'),
          ...args,
        ],
        { cwd: ROOT },
      ).then(
        (result) => ({ code: 0, ...result }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );

    const empty = await scanLogs(dir, sources);
    writeFileSync(join(dir, 'jest-1.log'), '{"message":"request","status":200}\n');
    const clean = await scanLogs(dir, sources);
    writeFileSync(join(dir, 'child-1.log'), `line one\nAuthorization: Bearer ${SESSION_TOKEN}\n`);
    const leaked = await scanLogs(dir, sources);
    for (const [label, result] of Object.entries({ empty, clean, leaked }))
      recordChildOutput(`log-scan-${label}`, result);

    expect(empty.code).toBe(2);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('log scan: clean');
    expect(leaked.code).toBe(1);
    expect(leaked.stderr).toContain('child-1.log:2: session-token, bearer-or-basic-credential');
    expect(leaked.stderr).not.toContain(SESSION_TOKEN);
  }, 30_000);
});
