import {
  noTracing,
  tracingFromEnv,
  tracingModeFromEnv,
} from '../../../functions/gateway/observability/tracing';

describe('Tracing setting (GATEWAY_TRACING)', () => {
  it('is off unless set to active', async () => {
    expect(tracingModeFromEnv({})).toBe('off');
    expect(tracingModeFromEnv({ GATEWAY_TRACING: '' })).toBe('off');
    expect(tracingModeFromEnv({ GATEWAY_TRACING: 'off' })).toBe('off');
    expect(await tracingFromEnv({})).toBe(noTracing);
  });

  it('refuses any other value, naming the variable', () => {
    expect(() => tracingModeFromEnv({ GATEWAY_TRACING: 'true' })).toThrow(
      'GATEWAY_TRACING must be one of active, off, got "true"',
    );
  });

  it('off, runs traced work unchanged and passes clients through', async () => {
    const client = { send: () => 1 };
    expect(noTracing.captureAwsClient(client)).toBe(client);
    await expect(noTracing.span('Redis', async () => 42)).resolves.toBe(42);
    await expect(
      noTracing.span('Redis', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
  });
});
