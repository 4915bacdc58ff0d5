/** The sessions table layout; the CDK construct and the local store create it the same way. */
export const SessionTable = {
  partitionKey: 'sessionId',
  ttlAttribute: 'expiresAt',
  userAttribute: 'userId',
  /** Global secondary index for `npm run session -- list --user`: key userId, sort expiresAt. */
  byUserIndex: 'byUser',
  defaultName: 'gateway-sessions',
} as const;
