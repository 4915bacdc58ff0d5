/**
 * `npm run bench`: every benchmark as production runs it, one after the other (they share the
 * machine, not the time), then docs/benchmarks.md with the machine, the commands, each target's
 * verdict and the chart of added latency by configuration, and the README's section from it.
 * Each benchmark runs through its own `npm run bench:*` script, so the report's commands are the
 * ones a reader reruns.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, type } from 'node:os';
import { join } from 'node:path';
import { helpIfAsked } from '../../scripts/cli-help';
import { BUNDLE_DIR } from './bundle';
import {
  CHART_FILE,
  chartBars,
  type Machine,
  readmeSection,
  renderChart,
  renderReport,
  type StepReport,
  withReadmeSection,
} from './report';
import type { ProxyResults } from './results';
import { parseVerdicts } from './verdicts';

const argv = process.argv.slice(2);
helpIfAsked(
  argv,
  `usage: npm run bench [-- --quick]

Runs bench:proxy (with the memory check), bench:ratelimit, bench:sessions and bench:cold-start as
production runs (logs and EMF on, esbuild bundles, gateway, peer and load driver in separate
processes), then writes docs/benchmarks.md, docs/${CHART_FILE} and the README's benchmark section.
About 6 minutes on 2 cores; --quick runs few rounds (a check that the tool works, not figures).
Round counts (defaults; --quick's in brackets):
  BENCH_PROXY_ROUNDS 5 [2], BENCH_PROXY_REQUESTS 2000 [300], BENCH_MEMORY_REQUESTS 100000 [5000],
  BENCH_RL_ROUNDS 3 [1], BENCH_RL_DECISIONS 20000 [2000], BENCH_SESSION_REQUESTS 3000 [500],
  BENCH_COLD_ROUNDS 15 [3]
Redis: REDIS_URL (default redis://127.0.0.1:6379); every key a benchmark creates is its own and
removed at the end.`,
);

const QUICK = argv.includes('--quick');
const setting = (name: string, full: number, quick: number): string =>
  process.env[name] ?? String(QUICK ? quick : full);

const ROOT = join(__dirname, '..', '..');
const RESULTS = join(BUNDLE_DIR, 'proxy-results.json');

interface Step {
  readonly title: string;
  readonly script: string;
  readonly env: Readonly<Record<string, string>>;
  readonly args?: readonly string[];
}

const STEPS: readonly Step[] = [
  {
    title: 'proxy and memory',
    script: 'bench:proxy',
    env: {
      BENCH_ROUNDS: setting('BENCH_PROXY_ROUNDS', 5, 2),
      BENCH_REQUESTS: setting('BENCH_PROXY_REQUESTS', 2000, 300),
      BENCH_MEMORY_REQUESTS: setting('BENCH_MEMORY_REQUESTS', 100_000, 5000),
    },
  },
  {
    title: 'rate limiter',
    script: 'bench:ratelimit',
    env: {
      BENCH_ROUNDS: setting('BENCH_RL_ROUNDS', 3, 1),
      BENCH_DECISIONS: setting('BENCH_RL_DECISIONS', 20_000, 2000),
    },
  },
  {
    title: 'session cache',
    script: 'bench:sessions',
    env: { BENCH_REQUESTS: setting('BENCH_SESSION_REQUESTS', 3000, 500) },
  },
  {
    title: 'cold start',
    script: 'bench:cold-start',
    env: {},
    args: ['--rounds', setting('BENCH_COLD_ROUNDS', 15, 3)],
  },
];

const command = (step: Step): string =>
  [
    ...Object.entries(step.env).map(([name, value]) => `${name}=${value}`),
    `npm run ${step.script}`,
    ...(step.args ? ['--', ...step.args] : []),
  ].join(' ');

// Escape sequences (colours) are for a terminal, not for the report.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ESC is the point
const ANSI = /\u001b\[[0-9;]*m/g;

/** Runs one benchmark's npm script, echoing and keeping its output. */
const run = (step: Step, env: NodeJS.ProcessEnv): Promise<{ output: string; failed: boolean }> =>
  new Promise((resolve) => {
    const child = spawn(
      'npm',
      ['run', '--silent', step.script, ...(step.args ? ['--', ...step.args] : [])],
      {
        cwd: ROOT,
        env: { ...process.env, ...env, ...step.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const keep = (chunk: Buffer, to: NodeJS.WriteStream): void => {
      to.write(chunk);
      output += chunk.toString('utf8');
    };
    child.stdout.on('data', (chunk: Buffer) => keep(chunk, process.stdout));
    child.stderr.on('data', (chunk: Buffer) => keep(chunk, process.stderr));
    child.once('close', (code) =>
      resolve({ output: output.replace(ANSI, ''), failed: code !== 0 }),
    );
  });

const format = (files: readonly string[]): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      join(ROOT, 'node_modules', '.bin', 'biome'),
      ['format', '--write', ...files],
      {
        cwd: ROOT,
        stdio: 'ignore',
      },
    );
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error('biome format failed')),
    );
  });

const main = async (): Promise<void> => {
  const started = performance.now();
  mkdirSync(BUNDLE_DIR, { recursive: true });
  const machine: Machine = {
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus().length,
    node: process.version,
    os: `${type()} ${release()}`,
    date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    load: loadavg()
      .map((n) => n.toFixed(2))
      .join(' / '),
  };
  const steps: StepReport[] = [];
  let proxy: ProxyResults | undefined;
  for (const step of STEPS) {
    console.log(`\n=== ${step.title}: ${command(step)}\n`);
    const { output, failed } = await run(
      step,
      step.script === 'bench:proxy' ? { BENCH_RESULTS: RESULTS } : {},
    );
    steps.push({
      title: step.title,
      command: command(step),
      output,
      verdicts: parseVerdicts(output),
      failed,
    });
    if (step.script === 'bench:proxy' && !failed && existsSync(RESULTS)) {
      proxy = JSON.parse(readFileSync(RESULTS, 'utf8')) as ProxyResults;
    }
  }

  const report = renderReport({
    machine,
    settings: `${QUICK ? 'a quick run (--quick: few rounds; a check of the tool, not figures to quote), ' : ''}the commands below, in this order`,
    steps,
    ...(proxy ? { proxy } : {}),
  });
  const reportFile = join(ROOT, 'docs', 'benchmarks.md');
  writeFileSync(reportFile, report);
  if (proxy) {
    writeFileSync(
      join(ROOT, 'docs', CHART_FILE),
      renderChart('Added p50 latency over a direct call, 1 in flight', chartBars(proxy)),
    );
  }
  // Formatted first, so the README copies the table as the file holds it.
  await format([reportFile]);
  const readmeFile = join(ROOT, 'README.md');
  writeFileSync(
    readmeFile,
    withReadmeSection(
      readFileSync(readmeFile, 'utf8'),
      readmeSection(readFileSync(reportFile, 'utf8')),
    ),
  );
  await format([readmeFile]);

  const verdicts = steps.flatMap((s) => s.verdicts);
  console.log(
    `\n${verdicts.filter((v) => v.met).length} of ${verdicts.length} targets met; wrote docs/benchmarks.md, docs/${CHART_FILE} and README.md's section in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  for (const v of verdicts.filter((x) => !x.met)) {
    console.log(`  not met: ${v.name}: ${v.value} (target ${v.op} ${v.limit})`);
  }
  const failed = steps.filter((s) => s.failed);
  if (failed.length > 0) {
    console.error(`failed: ${failed.map((s) => s.title).join(', ')}`);
    process.exitCode = 1;
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
