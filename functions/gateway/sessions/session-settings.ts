import { commaList } from '../config/comma-list';
import { SessionTable } from './session-table';

type Env = Readonly<Record<string, string | undefined>>;

export interface SessionSettings {
  readonly tableName: string;
  /** The signing secret first, then previous secrets still accepted during a rotation. */
  readonly secrets: readonly string[];
  readonly endpoint?: string;
  readonly region?: string;
  /** Hard deadline of every DynamoDB call (lookup and readiness probe), retries included. */
  readonly timeoutMs: number;
}

/** The documented bound of one DynamoDB call, every attempt included. */
export const DEFAULT_DYNAMODB_TIMEOUT_MS = 1_000;
const MAX_TIMEOUT_MS = 60_000;

const timeoutFrom = (value: string | undefined): number => {
  if (value === undefined || value.trim() === '') return DEFAULT_DYNAMODB_TIMEOUT_MS;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 1 || ms > MAX_TIMEOUT_MS) {
    throw new Error(
      `DYNAMODB_TIMEOUT_MS must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}, got "${value}"`,
    );
  }
  return ms;
};

/**
 * Session settings from the environment: `SESSION_TABLE`, `SESSION_SECRET` (signs and verifies),
 * `SESSION_SECRET_PREVIOUS` (comma-separated, verify only), `DYNAMODB_ENDPOINT`, `AWS_REGION`,
 * `DYNAMODB_TIMEOUT_MS` (default 1000).
 * Returns undefined when no secret is set: the gateway then refuses every protected route.
 */
export const sessionSettingsFromEnv = (env: Env = process.env): SessionSettings | undefined => {
  const current = env.SESSION_SECRET?.trim();
  if (!current) return undefined;
  return {
    tableName: env.SESSION_TABLE || SessionTable.defaultName,
    secrets: [current, ...commaList(env.SESSION_SECRET_PREVIOUS)],
    ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
    ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
    timeoutMs: timeoutFrom(env.DYNAMODB_TIMEOUT_MS),
  };
};
