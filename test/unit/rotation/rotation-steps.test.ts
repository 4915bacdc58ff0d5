import {
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  ModifyReplicationGroupCommand,
} from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { elastiCacheTarget } from '../../../functions/cache-auth-rotation/elasticache-target';
import {
  type AuthTokenTarget,
  newAuthToken,
  RotationError,
  rotate,
  type SecretVersions,
} from '../../../functions/cache-auth-rotation/rotation-steps';

const secret = (
  versions: Record<string, string[]>,
  options: { rotationEnabled?: boolean; values?: Record<string, string> } = {},
): SecretVersions & { puts: string[] } => {
  const puts: string[] = [];
  return {
    puts,
    describe: async () => ({ rotationEnabled: options.rotationEnabled ?? true, versions }),
    value: async (stage, versionId) => {
      const id =
        versionId ?? Object.entries(versions).find(([, stages]) => stages.includes(stage))?.[0];
      return id ? options.values?.[id] : undefined;
    },
    putPending: async (versionId) => {
      puts.push(versionId);
    },
    makeCurrent: async () => undefined,
  };
};

const cache = (accepts: boolean): AuthTokenTarget & { applied: string[] } => {
  const applied: string[] = [];
  return {
    applied,
    apply: async (_token, strategy) => {
      applied.push(strategy);
    },
    probe: async () => {
      if (!accepts) throw new Error('WRONGPASS');
    },
  };
};

const event = (Step: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret') => ({
  SecretId: 'arn:secret',
  ClientRequestToken: 'v2',
  Step,
});

describe('AUTH token rotation steps', () => {
  it('refuses to run when rotation is off or the version is not pending', async () => {
    await expect(
      rotate(
        event('createSecret'),
        secret({ v2: ['AWSPENDING'] }, { rotationEnabled: false }),
        cache(true),
      ),
    ).rejects.toThrow(new RotationError('rotation is not enabled on the secret'));
    await expect(
      rotate(event('createSecret'), secret({ v1: ['AWSCURRENT'] }), cache(true)),
    ).rejects.toThrow('the version to rotate to has no stage');
    await expect(
      rotate(event('createSecret'), secret({ v2: ['AWSPREVIOUS'] }), cache(true)),
    ).rejects.toThrow('the version is not AWSPENDING');
  });

  it('does nothing for a version that is already current (a repeated finish)', async () => {
    const target = cache(true);
    await rotate(event('finishSecret'), secret({ v2: ['AWSCURRENT'] }), target);
    expect(target.applied).toEqual([]);
  });

  it('creates a pending token only once', async () => {
    const fresh = secret(
      { v1: ['AWSCURRENT'], v2: ['AWSPENDING'] },
      { values: { v1: 'old-token-0123456789' } },
    );
    await rotate(event('createSecret'), fresh, cache(true));
    const done = secret(
      { v1: ['AWSCURRENT'], v2: ['AWSPENDING'] },
      { values: { v1: 'old-token-0123456789', v2: 'new-token-0123456789' } },
    );
    await rotate(event('createSecret'), done, cache(true));
    expect(fresh.puts).toEqual(['v2']);
    expect(done.puts).toEqual([]);
  });

  it('fails the test step when the cache refuses the new token, leaving the current one', async () => {
    const versions = secret(
      { v1: ['AWSCURRENT'], v2: ['AWSPENDING'] },
      { values: { v1: 'old', v2: 'new' } },
    );
    await expect(rotate(event('testSecret'), versions, cache(false))).rejects.toThrow(
      'the cache refuses the new token',
    );
  });

  it('makes tokens ElastiCache takes: 64 characters of [A-Za-z0-9], never the same twice', () => {
    const tokens = Array.from({ length: 200 }, () => newAuthToken());
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(new Set(tokens).size).toBe(tokens.length);
  });
});

describe('ElastiCache target', () => {
  const elastiCache = mockClient(ElastiCacheClient);
  afterEach(() => elastiCache.reset());
  afterAll(() => elastiCache.restore());

  it('waits for the group to be available before and after a modification', async () => {
    elastiCache
      .on(DescribeReplicationGroupsCommand)
      .resolvesOnce({ ReplicationGroups: [{ Status: 'modifying' }] })
      .resolvesOnce({ ReplicationGroups: [{ Status: 'available' }] })
      .resolvesOnce({ ReplicationGroups: [{ Status: 'modifying' }] })
      .resolves({ ReplicationGroups: [{ Status: 'available' }] });
    elastiCache.on(ModifyReplicationGroupCommand).resolves({});
    const target = elastiCacheTarget(new ElastiCacheClient({ region: 'eu-west-1' }), {
      replicationGroupId: 'group',
      host: '127.0.0.1',
      port: 1,
      tls: false,
      remainingMs: () => 600_000,
      pollMs: 5,
    });

    await target.apply('new-token-0123456789', 'ROTATE');

    expect(
      elastiCache.commandCalls(ModifyReplicationGroupCommand).map((call) => call.args[0].input),
    ).toEqual([
      {
        ReplicationGroupId: 'group',
        AuthToken: 'new-token-0123456789',
        AuthTokenUpdateStrategy: 'ROTATE',
        ApplyImmediately: true,
      },
    ]);
    expect(elastiCache.commandCalls(DescribeReplicationGroupsCommand)).toHaveLength(4);
  });

  it('gives up before the invocation ends, naming the group and its status', async () => {
    elastiCache
      .on(DescribeReplicationGroupsCommand)
      .resolves({ ReplicationGroups: [{ Status: 'snapshotting' }] });
    const target = elastiCacheTarget(new ElastiCacheClient({ region: 'eu-west-1' }), {
      replicationGroupId: 'group',
      host: '127.0.0.1',
      port: 1,
      tls: false,
      remainingMs: () => 5_000,
      pollMs: 5,
    });

    await expect(target.apply('t', 'SET')).rejects.toThrow(
      'replication group group is still "snapshotting"; the rotation step will be retried',
    );
    expect(elastiCache.commandCalls(ModifyReplicationGroupCommand)).toHaveLength(0);
  });
});
