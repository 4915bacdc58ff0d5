/**
 * `npm run test:logs`: after jest, reads everything the suite wrote (`.log-capture/`, see
 * `test/helpers/log-capture.ts`) and fails, naming file and line, on any credential: session
 * tokens, Bearer/Basic credentials, JWTs, cookie values, AWS keys, credentials in URLs, and the
 * suite's own secrets. The matches are masked in its output.
 *
 * usage: tsx test/log-scan/scan-logs.ts [capture folder] [source root]
 */
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { collectKnownSecrets } from './known-secrets';
import { type Finding, knownSecretsRule, LEAK_RULES, scanLine } from './log-scanner';

const ROOT = resolve(__dirname, '..', '..');
const MAX_REPORTED = 50;

const scanFile = async (
  file: string,
  rules: Parameters<typeof scanLine>[1],
  findings: Finding[],
): Promise<number> => {
  let lineNumber = 0;
  const lines = createInterface({
    input: createReadStream(file),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) {
    lineNumber += 1;
    const finding = scanLine(line, rules, { file, line: lineNumber });
    if (finding) findings.push(finding);
  }
  return lineNumber;
};

export interface ScanReport {
  readonly files: number;
  readonly lines: number;
  readonly bytes: number;
  readonly knownSecrets: number;
  readonly findings: readonly Finding[];
}

/** Scans every file of a capture folder; undefined when there is nothing to scan. */
export const scanCapture = async (
  dir: string,
  sourceRoot: string = ROOT,
): Promise<ScanReport | undefined> => {
  let files: string[];
  try {
    files = readdirSync(dir)
      .map((name) => join(dir, name))
      .filter((path) => statSync(path).isFile());
  } catch {
    files = [];
  }
  if (files.length === 0) return undefined;
  const secrets = collectKnownSecrets(sourceRoot);
  const rules = [...LEAK_RULES, knownSecretsRule([...secrets.keys()])];
  const findings: Finding[] = [];
  let lines = 0;
  let bytes = 0;
  for (const file of files) {
    bytes += statSync(file).size;
    lines += await scanFile(file, rules, findings);
  }
  return { files: files.length, lines, bytes, knownSecrets: secrets.size, findings };
};

const main = async (): Promise<number> => {
  const started = performance.now();
  const dir = resolve(process.argv[2] ?? join(ROOT, '.log-capture'));
  const report = await scanCapture(dir, resolve(process.argv[3] ?? ROOT));
  if (!report) {
    // An empty capture would pass any scan: the capture itself is broken, or jest did not run.
    console.error(`log scan: nothing captured in ${dir}; run jest first (npm run test:jest)`);
    return 2;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const summary = `${report.files} files, ${report.lines} lines, ${(report.bytes / 1e6).toFixed(1)} MB, ${report.knownSecrets} known test secrets, ${seconds} s`;
  if (report.findings.length === 0) {
    console.log(`log scan: clean (${summary})`);
    return 0;
  }
  console.error(`log scan: ${report.findings.length} line(s) with credentials (${summary})`);
  for (const finding of report.findings.slice(0, MAX_REPORTED)) {
    console.error(
      `  ${relative(process.cwd(), finding.file)}:${finding.line}: ${finding.rules.join(', ')}: ${finding.excerpt}`,
    );
  }
  if (report.findings.length > MAX_REPORTED) {
    console.error(`  ... and ${report.findings.length - MAX_REPORTED} more`);
  }
  return 1;
};

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error('log scan failed:', error);
      process.exitCode = 2;
    },
  );
}
