import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';

export interface FakeSecretsManager {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_SECRETS_MANAGER`. */
  readonly url: string;
  /** What `GetSecretValue` answers for a secret id from now on. */
  set(secretId: string, value: string): void;
  /** `GetSecretValue` calls seen, per secret id. */
  calls(secretId: string): number;
  close(): Promise<void>;
}

const body = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/**
 * Secrets Manager's `GetSecretValue` over its real wire protocol (JSON 1.1, `X-Amz-Target`), so the
 * gateway's own SDK client, timeouts and endpoint setting are what a test exercises.
 */
export const startFakeSecretsManager = async (): Promise<FakeSecretsManager> => {
  const values = new Map<string, string>();
  const counts = new Map<string, number>();
  const server = createServer(async (request, response) => {
    const target = request.headers['x-amz-target'];
    const input = JSON.parse((await body(request)) || '{}') as { SecretId?: string };
    const secretId = input.SecretId ?? '';
    const reply = (status: number, payload: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(payload));
    };
    if (target !== 'secretsmanager.GetSecretValue') {
      reply(400, { __type: 'InvalidRequestException', message: `unsupported ${String(target)}` });
      return;
    }
    counts.set(secretId, (counts.get(secretId) ?? 0) + 1);
    const value = values.get(secretId);
    if (value === undefined) {
      reply(400, {
        __type: 'ResourceNotFoundException',
        message: "Secrets Manager can't find the specified secret.",
      });
      return;
    }
    reply(200, { ARN: secretId, Name: secretId, SecretString: value, VersionId: 'v1' });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    set: (secretId, value) => {
      values.set(secretId, value);
    },
    calls: (secretId) => counts.get(secretId) ?? 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
