import { Effect, type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';

/**
 * Every AWS call the deployed function makes, by the SDK command that makes it. This is the one
 * list the role is built from; `test/infra/least-privilege.test.ts` scans `functions/` for SDK
 * commands and fails when the code sends one that is not here (or this lists one nobody sends).
 * The operator's `npm run session` (PutItem, UpdateItem, Query) runs with the operator's own
 * credentials, not the function's role.
 */
export const GatewayAwsCalls = {
  /** Session lookup and the readiness probe: one GetItem by key (`sessions/dynamodb-session-store.ts`). */
  dynamodb: { GetCommand: 'dynamodb:GetItem' },
  /** The session secret, the cache AUTH token and the login's, at init and on rotation (`secrets/gateway-secrets.ts`). */
  secretsManager: { GetSecretValueCommand: 'secretsmanager:GetSecretValue' },
} as const;

/**
 * The calls the OpenID Connect login adds (`functions/gateway/auth/login-session-store.ts`), granted
 * only when the stack has login: a new session and a used login state (PutItem), logout and token
 * refresh (UpdateItem), logout everywhere through the `byUser` index (Query). Its two secrets (client
 * secret, token key) join `secretArns`.
 */
export const LoginAwsCalls = {
  dynamodb: {
    PutCommand: 'dynamodb:PutItem',
    UpdateCommand: 'dynamodb:UpdateItem',
    QueryCommand: 'dynamodb:Query',
  },
} as const;

const operationsOf = (calls: Readonly<Record<string, string>>): string[] =>
  Object.values(calls).map((action) => action.replace('dynamodb:', ''));

/** The DynamoDB operations the gateway sends (for per-operation metrics such as SystemErrors). */
export const gatewayDynamoDbOperations = operationsOf(GatewayAwsCalls.dynamodb);

/** The same with login on: its session writes and `byUser` queries too. */
export const loginDynamoDbOperations = [
  ...gatewayDynamoDbOperations,
  ...operationsOf(LoginAwsCalls.dynamodb),
];

export interface GatewayAccessTargets {
  /** The session table's ARN (its indexes are not granted: the function never queries them). */
  readonly tableArn: string;
  /** The exact secrets the function reads at init. */
  readonly secretArns: readonly string[];
  /** With login: the writes on the table and the query on its `byUser` index. @default false */
  readonly login?: { readonly byUserIndexArn: string };
}

/** The statements that let the function make exactly the calls above, on exactly its resources. */
export const gatewayAccessStatements = (targets: GatewayAccessTargets): PolicyStatement[] => [
  new PolicyStatement({
    effect: Effect.ALLOW,
    actions: [...Object.values(GatewayAwsCalls.dynamodb)],
    resources: [targets.tableArn],
  }),
  ...(targets.login
    ? [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: [LoginAwsCalls.dynamodb.PutCommand, LoginAwsCalls.dynamodb.UpdateCommand],
          resources: [targets.tableArn],
        }),
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: [LoginAwsCalls.dynamodb.QueryCommand],
          resources: [targets.login.byUserIndexArn],
        }),
      ]
    : []),
  new PolicyStatement({
    effect: Effect.ALLOW,
    actions: [...Object.values(GatewayAwsCalls.secretsManager)],
    resources: [...targets.secretArns],
  }),
];

/** Adds the statements to the function's role. */
export const grantGatewayAccess = (
  grantee: IGrantable & { addToRolePolicy(statement: PolicyStatement): void },
  targets: GatewayAccessTargets,
): void => {
  for (const statement of gatewayAccessStatements(targets)) grantee.addToRolePolicy(statement);
};
