import { SessionTable } from '../functions/gateway/sessions/session-table';

/**
 * The embedded defaults `npm start` and `npm run session` share when nothing points elsewhere.
 * The secret is public by design: it only ever signs sessions in the in-memory local store.
 */
export const LOCAL_DEFAULTS = {
  gatewayPort: 8080,
  dynamoDbPort: 8000,
  sessionTable: SessionTable.defaultName,
  sessionSecret: 'local-development-secret-never-use-in-production',
} as const;
