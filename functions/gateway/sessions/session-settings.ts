import { commaList } from '../config/comma-list';
import { SessionTable } from './session-table';

type Env = Readonly<Record<string, string | undefined>>;

export interface SessionSettings {
  readonly tableName: string;
  /** The signing secret first, then previous secrets still accepted during a rotation. */
  readonly secrets: readonly string[];
  readonly endpoint?: string;
  readonly region?: string;
}

/**
 * Session settings from the environment: `SESSION_TABLE`, `SESSION_SECRET` (signs and verifies),
 * `SESSION_SECRET_PREVIOUS` (comma-separated, verify only), `DYNAMODB_ENDPOINT`, `AWS_REGION`.
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
  };
};
