import {
  optionalSetting,
  parseEnvironment,
  setting,
  text,
  wholeNumber,
} from '../config/env-schema';
import { type Environment, EnvName } from '../config/environment-names';
import { SessionTable } from './session-table';

/** Where the sessions live; the keys that sign them are secrets, handed over separately. */
export interface SessionSettings {
  readonly tableName: string;
  readonly endpoint?: string;
  readonly region?: string;
  /** Hard deadline of every DynamoDB call (lookup and readiness probe), retries included. */
  readonly timeoutMs: number;
}

/** The documented bound of one DynamoDB call, every attempt included. */
export const DEFAULT_DYNAMODB_TIMEOUT_MS = 1_000;

const sessionEnvironment = {
  [EnvName.SESSION_TABLE]: setting(text(), SessionTable.defaultName),
  [EnvName.DYNAMODB_ENDPOINT]: optionalSetting(text()),
  [EnvName.AWS_REGION]: optionalSetting(text()),
  [EnvName.DYNAMODB_TIMEOUT_MS]: setting(
    wholeNumber(EnvName.DYNAMODB_TIMEOUT_MS, { min: 1, max: 60_000, unit: 'milliseconds' }),
    DEFAULT_DYNAMODB_TIMEOUT_MS,
  ),
};

/**
 * Session store settings from the environment: `SESSION_TABLE`, `DYNAMODB_ENDPOINT`, `AWS_REGION`,
 * `DYNAMODB_TIMEOUT_MS` (default 1000). The signing keys come from `loadGatewaySecrets`.
 */
export const sessionSettingsFromEnv = (env: Environment = process.env): SessionSettings => {
  const settings = parseEnvironment(sessionEnvironment, env);
  return {
    tableName: settings.SESSION_TABLE,
    ...(settings.DYNAMODB_ENDPOINT ? { endpoint: settings.DYNAMODB_ENDPOINT } : {}),
    ...(settings.AWS_REGION ? { region: settings.AWS_REGION } : {}),
    timeoutMs: settings.DYNAMODB_TIMEOUT_MS,
  };
};
