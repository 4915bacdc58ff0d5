import { randomInt } from 'node:crypto';

/**
 * The four steps Secrets Manager calls a rotation function with, for the ElastiCache AUTH token
 * the gateway's rate-limit cache uses. The token moves through ElastiCache's own two-token window,
 * so nothing ever refuses a token a gateway container still holds:
 *
 * - createSecret: a new random token, stored as the AWSPENDING version;
 * - setSecret:    `ModifyReplicationGroup` with strategy ROTATE: the cache accepts old and new;
 * - testSecret:   AUTH + PING with the new token (a failure ends the rotation here, harmlessly:
 *                 the old token still works and stays AWSCURRENT);
 * - finishSecret: AWSCURRENT moves to the new version, then strategy SET retires the old token.
 *                 A container still on the old token is refused on its next connection, reads
 *                 the secret again (`followAuthTokenRotation`) and gets the new one.
 */
export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';

export interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: RotationStep;
}

/** The Secrets Manager calls the rotation makes, on the one secret it rotates. */
export interface SecretVersions {
  /** Whether rotation is on, and each version's stages. */
  describe(): Promise<{
    rotationEnabled: boolean;
    versions: Readonly<Record<string, readonly string[]>>;
  }>;
  /** A version's value by stage (and version id); undefined when there is no such version. */
  value(stage: 'AWSCURRENT' | 'AWSPENDING', versionId?: string): Promise<string | undefined>;
  putPending(versionId: string, value: string): Promise<void>;
  makeCurrent(versionId: string, previousVersionId: string | undefined): Promise<void>;
}

/** The cache whose AUTH token is rotated. */
export interface AuthTokenTarget {
  /** `ModifyReplicationGroup` with the token and strategy, applied immediately, then waits until the group is available again. */
  apply(token: string, strategy: 'ROTATE' | 'SET'): Promise<void>;
  /** Resolves when the cache accepts the token (AUTH + PING); rejects otherwise. */
  probe(token: string): Promise<void>;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 64 characters, each uniformly from [A-Za-z0-9]: within ElastiCache's AUTH token rules. */
export const newAuthToken = (length = 64): string =>
  Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

export class RotationError extends Error {
  override readonly name = 'RotationError';
}

/** Runs one step; idempotent, as Secrets Manager may call a step more than once. */
export const rotate = async (
  event: RotationEvent,
  secret: SecretVersions,
  cache: AuthTokenTarget,
): Promise<void> => {
  const { rotationEnabled, versions } = await secret.describe();
  if (!rotationEnabled) throw new RotationError('rotation is not enabled on the secret');
  const stages = versions[event.ClientRequestToken];
  if (!stages) throw new RotationError('the version to rotate to has no stage');
  if (stages.includes('AWSCURRENT')) return;
  if (!stages.includes('AWSPENDING')) throw new RotationError('the version is not AWSPENDING');

  const pending = async (): Promise<string> => {
    const value = await secret.value('AWSPENDING', event.ClientRequestToken);
    if (value === undefined) throw new RotationError('the pending version has no value');
    return value;
  };

  switch (event.Step) {
    case 'createSecret': {
      if ((await secret.value('AWSCURRENT')) === undefined)
        throw new RotationError('the secret has no current version');
      if ((await secret.value('AWSPENDING', event.ClientRequestToken)) !== undefined) return;
      await secret.putPending(event.ClientRequestToken, newAuthToken());
      return;
    }
    case 'setSecret': {
      const token = await pending();
      // A retried step after a ROTATE that took effect: nothing more to do.
      const accepted = await cache.probe(token).then(
        () => true,
        () => false,
      );
      if (!accepted) await cache.apply(token, 'ROTATE');
      return;
    }
    case 'testSecret': {
      await cache.probe(await pending()).catch((error: unknown) => {
        throw new RotationError('the cache refuses the new token', { cause: error });
      });
      return;
    }
    case 'finishSecret': {
      const token = await pending();
      const current = Object.entries(versions).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
      await secret.makeCurrent(event.ClientRequestToken, current);
      await cache.apply(token, 'SET');
      return;
    }
    default:
      throw new RotationError(`unknown step ${String(event.Step)}`);
  }
};
