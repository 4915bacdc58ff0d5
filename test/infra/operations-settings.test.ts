import { gatewaySettings } from '../../lib/gateway-settings';

const from = (values: Record<string, unknown>) => gatewaySettings((key) => values[key]);

describe('Infra: operations settings from context', () => {
  it('reads vpcEndpoints, alarmEmail and logLevel, as -c strings', () => {
    expect(
      from({ vpcEndpoints: 'true', alarmEmail: 'ops@example.com', logLevel: 'DEBUG' }),
    ).toMatchObject({ vpcEndpoints: true, alarmEmail: 'ops@example.com', logLevel: 'DEBUG' });
    expect(from({ vpcEndpoints: false }).vpcEndpoints).toBe(false);
  });

  it('refuses values that would deploy something else than asked', () => {
    expect(() => from({ vpcEndpoints: 'yes' })).toThrow(
      'Context vpcEndpoints must be true or false; got "yes"',
    );
    expect(() => from({ alarmEmail: 'oncall' })).toThrow(
      'Context alarmEmail must be an e-mail address; got "oncall"',
    );
    expect(() => from({ reservedConcurrency: '1.5' })).toThrow(
      'Context reservedConcurrency must be an integer >= 1; got "1.5"',
    );
  });
});
