import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { SecretVersions } from './rotation-steps';

/** `SecretVersions` on Secrets Manager, for one secret. */
export const secretsManagerVersions = (
  client: SecretsManagerClient,
  secretId: string,
): SecretVersions => ({
  describe: async () => {
    const described = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
    return {
      rotationEnabled: described.RotationEnabled === true,
      versions: described.VersionIdsToStages ?? {},
    };
  },
  value: async (stage, versionId) => {
    try {
      const answer = await client.send(
        new GetSecretValueCommand({
          SecretId: secretId,
          VersionStage: stage,
          ...(versionId ? { VersionId: versionId } : {}),
        }),
      );
      return answer.SecretString;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  },
  putPending: async (versionId, value) => {
    await client.send(
      new PutSecretValueCommand({
        SecretId: secretId,
        ClientRequestToken: versionId,
        SecretString: value,
        VersionStages: ['AWSPENDING'],
      }),
    );
  },
  makeCurrent: async (versionId, previousVersionId) => {
    await client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: secretId,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: versionId,
        ...(previousVersionId ? { RemoveFromVersionId: previousVersionId } : {}),
      }),
    );
  },
});
