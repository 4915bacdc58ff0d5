import { gatewaySettings } from '../../../lib/gateway-settings';

const from = (context: Record<string, unknown>, env: Record<string, string> = {}) =>
  gatewaySettings((key) => context[key], env);

describe('Infra: gatewaySettings', () => {
  it('has defaults that deploy a dev stage', () => {
    expect(from({})).toEqual({
      stage: 'dev',
      production: false,
      configPath: 'config/gateway.yml',
      memorySize: 1024,
      natGateways: 1,
      cacheNodeType: 'cache.t4g.micro',
      cacheEngine: 'redis',
      invokeMode: 'BUFFERED',
      edge: 'none',
      corsAllowedOrigins: [],
      upstreamEnvironment: {},
      vpcEndpoints: false,
      logLevel: 'INFO',
      tracing: 'off',
    });
  });

  it('reads tracing and the AUTH token rotation period, refusing what Secrets Manager would', () => {
    expect(from({ tracing: 'active', cacheAuthRotationDays: '30' })).toMatchObject({
      tracing: 'active',
      cacheAuthRotationDays: 30,
    });
    expect(() => from({ cacheAuthRotationDays: '1001' })).toThrow(
      'Context cacheAuthRotationDays must be at most 1000; got "1001"',
    );
    expect(() => from({ cacheAuthRotationDays: '2.5' })).toThrow(
      'Context cacheAuthRotationDays must be an integer >= 1; got "2.5"',
    );
  });

  it('treats prod and production stages as production unless told', () => {
    expect(from({ stage: 'prod' }).production).toBe(true);
    expect(from({ stage: 'production' }).production).toBe(true);
    expect(from({ stage: 'prod', production: 'false' }).production).toBe(false);
    expect(from({ stage: 'staging', production: true }).production).toBe(true);
  });

  it('reads -c strings as well as cdk.json values', () => {
    const settings = from({
      memorySize: '2048',
      natGateways: '0',
      corsAllowedOrigins: 'https://a.example, https://b.example',
      upstreamEnvironment: '{"USERS_SERVICE_URL":"https://users.internal"}',
      edge: 'cloudfront',
      invokeMode: 'RESPONSE_STREAM',
      vpcId: 'vpc-123',
    });

    expect(settings).toMatchObject({
      memorySize: 2048,
      natGateways: 0,
      corsAllowedOrigins: ['https://a.example', 'https://b.example'],
      upstreamEnvironment: { USERS_SERVICE_URL: 'https://users.internal' },
      edge: 'cloudfront',
      invokeMode: 'RESPONSE_STREAM',
      vpcId: 'vpc-123',
    });
  });

  it('takes the stage from STAGE when no context names one', () => {
    expect(from({}, { STAGE: 'qa' }).stage).toBe('qa');
  });

  it.each([
    [{ edge: 'fastly' }, 'Context edge must be one of none, cloudfront; got "fastly"'],
    [{ memorySize: '64' }, 'Context memorySize must be an integer >= 128; got "64"'],
    [{ stage: 'my stage' }, 'Context stage must be 1-32 of A-Z a-z 0-9 -; got "my stage"'],
    [
      { upstreamEnvironment: '[1]' },
      'Context upstreamEnvironment must be an object of environment variables',
    ],
  ])('refuses %j with a clear message', (context, message) => {
    expect(() => from(context)).toThrow(message);
  });
});
