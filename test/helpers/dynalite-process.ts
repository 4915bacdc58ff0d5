import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface DynaliteProcess {
  readonly endpoint: string;
  /** How many answers it has sent so far; readable while this process's event loop is blocked. */
  answersSent(): number;
  stop(): Promise<void>;
}

/** dynalite in a child process (see `dynalite-child.cjs`), answering while this process is busy. */
export const startDynaliteProcess = async (): Promise<DynaliteProcess> => {
  const dir = mkdtempSync(join(tmpdir(), 'dynalite-'));
  const answerLog = join(dir, 'answers');
  writeFileSync(answerLog, '');
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'dynalite-child.cjs')], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ANSWER_LOG: answerLog },
  });
  if (!child.stdout) throw new Error('dynalite child has no stdout');
  const lines = createInterface({ input: child.stdout });
  const [first] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(() => {
      throw new Error('dynalite child exited before listening');
    }),
  ])) as [string];
  lines.close();
  return {
    endpoint: `http://127.0.0.1:${Number(first)}`,
    answersSent: () => statSync(answerLog).size,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
