import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';

/**
 * Every AWS call the AUTH token rotation function makes, by the SDK command that makes it; the one
 * list its role is built from, checked against `functions/cache-auth-rotation/` by
 * `test/infra/least-privilege.test.ts` as the gateway's list is. The new token is generated in the
 * function (no `GetRandomPassword`, which has no resource to scope it to).
 */
export const CacheAuthRotationAwsCalls = {
  secretsManager: {
    DescribeSecretCommand: 'secretsmanager:DescribeSecret',
    GetSecretValueCommand: 'secretsmanager:GetSecretValue',
    PutSecretValueCommand: 'secretsmanager:PutSecretValue',
    UpdateSecretVersionStageCommand: 'secretsmanager:UpdateSecretVersionStage',
  },
  elastiCache: {
    DescribeReplicationGroupsCommand: 'elasticache:DescribeReplicationGroups',
    ModifyReplicationGroupCommand: 'elasticache:ModifyReplicationGroup',
  },
} as const;

export interface CacheAuthRotationTargets {
  /** The AUTH token secret, the only one it rotates. */
  readonly secretArn: string;
  /** The replication group and its member clusters. */
  readonly cacheArns: readonly string[];
}

/** Exactly the calls above, on exactly the rotated secret and the cache. */
export const cacheAuthRotationStatements = (
  targets: CacheAuthRotationTargets,
): PolicyStatement[] => [
  new PolicyStatement({
    effect: Effect.ALLOW,
    actions: [...Object.values(CacheAuthRotationAwsCalls.secretsManager)],
    resources: [targets.secretArn],
  }),
  new PolicyStatement({
    effect: Effect.ALLOW,
    actions: [...Object.values(CacheAuthRotationAwsCalls.elastiCache)],
    resources: [...targets.cacheArns],
  }),
];
