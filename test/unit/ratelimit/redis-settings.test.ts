import { redisSettingsFromEnv } from '../../../functions/gateway/ratelimit/redis-settings';

describe('redisSettingsFromEnv', () => {
  it('keeps rate limits in memory when neither REDIS_URL nor REDIS_HOST is set', () => {
    expect(redisSettingsFromEnv({})).toBeUndefined();
  });

  it('reads REDIS_URL, with TLS for rediss:// and a percent-encoded password', () => {
    expect(
      redisSettingsFromEnv({ REDIS_URL: 'rediss://:p%40ss%2Fword@cache.example:6380' }),
    ).toEqual({
      host: 'cache.example',
      port: 6380,
      tls: true,
      password: 'p@ss/word',
      cluster: false,
      commandTimeoutMs: 50,
      connectTimeoutMs: 1000,
      authRefreshIntervalMs: 10_000,
    });
  });

  it('reads an ACL user from REDIS_URL and defaults the port', () => {
    expect(redisSettingsFromEnv({ REDIS_URL: 'redis://gateway:secret@10.0.0.5' })).toMatchObject({
      host: '10.0.0.5',
      port: 6379,
      tls: false,
      username: 'gateway',
      password: 'secret',
    });
  });

  it('takes the AUTH token handed over when the URL carries none (a secret, never read from here)', () => {
    expect(
      redisSettingsFromEnv({ REDIS_URL: 'rediss://cache.example:6379' }, 'token'),
    ).toMatchObject({ password: 'token', tls: true });
    expect(
      redisSettingsFromEnv({ REDIS_URL: 'rediss://cache.example:6379', REDIS_PASSWORD: 'token' }),
    ).not.toHaveProperty('password');
  });

  it('reads the fields one by one, with cluster mode and timeouts', () => {
    expect(
      redisSettingsFromEnv(
        {
          REDIS_HOST: 'clustercfg.example',
          REDIS_PORT: '6379',
          REDIS_TLS: 'true',
          REDIS_CLUSTER: '1',
          REDIS_COMMAND_TIMEOUT_MS: '25',
          REDIS_CONNECT_TIMEOUT_MS: '500',
          REDIS_AUTH_REFRESH_INTERVAL_MS: '30000',
        },
        'token',
      ),
    ).toEqual({
      host: 'clustercfg.example',
      port: 6379,
      tls: true,
      password: 'token',
      cluster: true,
      commandTimeoutMs: 25,
      connectTimeoutMs: 500,
      authRefreshIntervalMs: 30000,
    });
  });

  it.each([
    [{ REDIS_URL: 'http://cache.example' }, 'REDIS_URL must start with redis:// or rediss://'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL must start with redis:// or rediss://'],
    [
      { REDIS_HOST: 'cache', REDIS_PORT: 'abc' },
      'REDIS_PORT must be a whole number between 1 and 65535, got "abc"',
    ],
    [
      { REDIS_HOST: 'cache', REDIS_PORT: '6379.5' },
      'REDIS_PORT must be a whole number between 1 and 65535, got "6379.5"',
    ],
    [
      { REDIS_HOST: 'cache', REDIS_COMMAND_TIMEOUT_MS: '0' },
      'REDIS_COMMAND_TIMEOUT_MS must be a whole number of milliseconds between 1 and 60000, got "0"',
    ],
    [
      { REDIS_HOST: 'cache', REDIS_AUTH_REFRESH_INTERVAL_MS: 'soon' },
      'REDIS_AUTH_REFRESH_INTERVAL_MS must be a whole number of milliseconds between 1 and 3600000, got "soon"',
    ],
    [{ REDIS_HOST: 'cache', REDIS_TLS: 'yes' }, 'REDIS_TLS must be true or false, got "yes"'],
  ])('refuses %j', (env, message) => {
    expect(() => redisSettingsFromEnv(env)).toThrow(message);
  });

  it('never repeats a REDIS_URL it refuses (it may carry a password)', () => {
    expect(() => redisSettingsFromEnv({ REDIS_URL: 'http://user:hunter2-pass@cache' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });
});
