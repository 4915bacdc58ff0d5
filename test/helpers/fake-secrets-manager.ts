import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';

export interface FakeSecretsManager {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_SECRETS_MANAGER`. */
  readonly url: string;
  /** A new AWSCURRENT version of a secret (the previous one becomes AWSPREVIOUS). */
  set(secretId: string, value: string): void;
  /**
   * What Secrets Manager does when a rotation starts: turns rotation on and registers a new
   * version id, without a value, labelled AWSPENDING. Returns that id (the ClientRequestToken).
   */
  beginRotation(secretId: string): string;
  /** The AWSCURRENT value, as a reader would get it now. */
  current(secretId: string): string | undefined;
  /** `GetSecretValue` calls seen, per secret id. */
  calls(secretId: string): number;
  close(): Promise<void>;
}

interface Version {
  value?: string;
  readonly stages: Set<string>;
}

interface Secret {
  rotationEnabled: boolean;
  readonly versions: Map<string, Version>;
}

const body = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const NOT_FOUND = () =>
  new ServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");

/** Moves a staging label to one version, as Secrets Manager does (a label is on one version). */
const label = (secret: Secret, stage: string, versionId: string): void => {
  for (const [id, version] of secret.versions) if (id !== versionId) version.stages.delete(stage);
  secret.versions.get(versionId)?.stages.add(stage);
};

/**
 * Secrets Manager over its real wire protocol (JSON 1.1, `X-Amz-Target`), so the SDK clients,
 * timeouts and endpoint settings are what a test exercises: `GetSecretValue` by stage or version,
 * and the calls a rotation function makes (`DescribeSecret`, `PutSecretValue`,
 * `UpdateSecretVersionStage`), with versions and staging labels kept as the service keeps them.
 */
export const startFakeSecretsManager = async (): Promise<FakeSecretsManager> => {
  const secrets = new Map<string, Secret>();
  const counts = new Map<string, number>();
  const secretOf = (secretId: string): Secret => {
    const secret = secrets.get(secretId);
    if (!secret) throw NOT_FOUND();
    return secret;
  };
  const versionByStage = (secret: Secret, stage: string) =>
    [...secret.versions].find(([, version]) => version.stages.has(stage));

  type Input = Record<string, unknown> & { SecretId?: string };
  const operations: Record<string, (input: Input) => unknown> = {
    GetSecretValue: (input) => {
      const secretId = String(input.SecretId ?? '');
      counts.set(secretId, (counts.get(secretId) ?? 0) + 1);
      const secret = secretOf(secretId);
      const stage = typeof input.VersionStage === 'string' ? input.VersionStage : undefined;
      const versionId = typeof input.VersionId === 'string' ? input.VersionId : undefined;
      const found = versionId
        ? ([versionId, secret.versions.get(versionId)] as const)
        : versionByStage(secret, stage ?? 'AWSCURRENT');
      const [id, version] = found ?? [];
      if (!id || !version || version.value === undefined) throw NOT_FOUND();
      if (stage && !version.stages.has(stage)) throw NOT_FOUND();
      return {
        ARN: secretId,
        Name: secretId,
        SecretString: version.value,
        VersionId: id,
        VersionStages: [...version.stages],
      };
    },
    DescribeSecret: (input) => {
      const secret = secretOf(String(input.SecretId ?? ''));
      return {
        ARN: input.SecretId,
        RotationEnabled: secret.rotationEnabled,
        VersionIdsToStages: Object.fromEntries(
          [...secret.versions].map(([id, version]) => [id, [...version.stages]]),
        ),
      };
    },
    PutSecretValue: (input) => {
      const secret = secretOf(String(input.SecretId ?? ''));
      const versionId = String(input.ClientRequestToken ?? randomUUID());
      const existing = secret.versions.get(versionId);
      if (existing?.value !== undefined) {
        throw new ServiceError('ResourceExistsException', 'A version with this id already exists.');
      }
      secret.versions.set(versionId, {
        value: String(input.SecretString ?? ''),
        stages: existing?.stages ?? new Set(),
      });
      for (const stage of (input.VersionStages as string[] | undefined) ?? ['AWSCURRENT'])
        label(secret, stage, versionId);
      return { ARN: input.SecretId, VersionId: versionId };
    },
    UpdateSecretVersionStage: (input) => {
      const secret = secretOf(String(input.SecretId ?? ''));
      const stage = String(input.VersionStage ?? '');
      const to = String(input.MoveToVersionId ?? '');
      const from = input.RemoveFromVersionId;
      const holder = versionByStage(secret, stage)?.[0];
      if (holder !== undefined && holder !== to && holder !== from) {
        throw new ServiceError(
          'InvalidParameterException',
          'The staging label is attached to another version; name it in RemoveFromVersionId.',
        );
      }
      if (!secret.versions.has(to)) throw NOT_FOUND();
      label(secret, stage, to);
      if (stage === 'AWSCURRENT') {
        if (typeof from === 'string') label(secret, 'AWSPREVIOUS', from);
        secret.versions.get(to)?.stages.delete('AWSPENDING');
      }
      return { ARN: input.SecretId, Name: input.SecretId };
    },
  };

  const server = createServer(async (request, response) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const input = JSON.parse((await body(request)) || '{}') as Input;
    const reply = (status: number, payload: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(payload));
    };
    const operation = operations[target.replace('secretsmanager.', '')];
    if (!operation) {
      reply(400, { __type: 'InvalidRequestException', message: `unsupported ${target}` });
      return;
    }
    try {
      reply(200, operation(input));
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      reply(400, { __type: error.type, message: error.message });
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    set: (secretId, value) => {
      const secret = secrets.get(secretId) ?? { rotationEnabled: false, versions: new Map() };
      secrets.set(secretId, secret);
      const versionId = randomUUID();
      const previous = versionByStage(secret, 'AWSCURRENT')?.[0];
      secret.versions.set(versionId, { value, stages: new Set() });
      label(secret, 'AWSCURRENT', versionId);
      if (previous) label(secret, 'AWSPREVIOUS', previous);
    },
    beginRotation: (secretId) => {
      const secret = secretOf(secretId);
      secret.rotationEnabled = true;
      const versionId = randomUUID();
      secret.versions.set(versionId, { stages: new Set() });
      label(secret, 'AWSPENDING', versionId);
      return versionId;
    },
    current: (secretId) => {
      const secret = secrets.get(secretId);
      return secret ? versionByStage(secret, 'AWSCURRENT')?.[1].value : undefined;
    },
    calls: (secretId) => counts.get(secretId) ?? 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
