import type { Command } from 'ioredis';
import { ReplyTimeoutError } from './reply-deadline';

/** A timer that watches one pending command at a time, and is reused for the next one. */
export interface ReplyWatch {
  command: Command | undefined;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Reply deadlines for the commands a limiter has in flight, on reused timers: a command Redis has
 * not answered `timeoutMs` after it was sent is rejected with `ReplyTimeoutError` (its own promise,
 * as ioredis' `commandTimeout` does; a late reply then settles nothing). As with `setDeadline`, the
 * verdict waits for `setImmediate`, after the next poll phase, so a reply already in the socket wins
 * (see `replyWithin` for why).
 *
 * Why reuse: a `setTimeout` + `clearTimeout` per take cost 0.7-1.4 µs, as Node built and dropped
 * its timer list for that duration at each take; `refresh()` of an armed timer costs 0.15 µs and
 * allocates nothing. A timer whose command was answered stays armed; when it fires it finds no
 * command and stops, so an idle container has no timer left. (A single timer over a queue or a Map
 * of pending commands was tried and cost more: docs/decisions.md.) The timers are unref'd: the
 * socket a pending command waits on keeps the process up.
 */
export class ReplyTimers {
  readonly #idle: ReplyWatch[] = [];
  readonly #timeoutMs: number;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** Starts the deadline of `command`; call right after sending it. */
  start(command: Command): ReplyWatch {
    const reused = this.#idle.pop();
    if (reused?.timer) {
      reused.command = command;
      reused.timer.refresh();
      return reused;
    }
    const watch: ReplyWatch = { command, timer: undefined };
    watch.timer = setTimeout(() => this.#due(watch), this.#timeoutMs).unref();
    return watch;
  }

  /** The command of `watch` has its answer (or failed): its timer may serve another. */
  stop(watch: ReplyWatch): void {
    watch.command = undefined;
    this.#idle.push(watch);
  }

  #due(watch: ReplyWatch): void {
    const command = watch.command;
    if (!command) return;
    setImmediate(() => {
      // Still this command's turn (not answered, timer not reused): it is late.
      if (watch.command === command) command.reject(new ReplyTimeoutError(this.#timeoutMs));
    });
  }
}
