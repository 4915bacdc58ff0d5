import { compactLine } from '../../../dev/compact-log';

describe('npm start: the short log line', () => {
  it('shows a request as method, path, status, latency, route, user and correlation id', () => {
    const line = compactLine(
      JSON.stringify({
        level: 'INFO',
        message: 'request',
        timestamp: '2026-11-30T03:29:59.966Z',
        service: 'gateway',
        cold_start: false,
        correlation_id: 'c-1',
        route: 'users',
        user_id: 'alice',
        method: 'GET',
        path: '/api/users/1',
        status: 200,
        latency_ms: 3.2,
        upstream_ms: 2.1,
        bytes_in: 0,
        bytes_out: 60,
        rate_limit: 'allowed',
        auth: 'ok',
      }),
    );

    expect(line).toBe(
      '03:29:59.966 GET /api/users/1 200 3.2ms route=users user=alice rate_limit=allowed cid=c-1',
    );
  });

  it('shows other entries with their level, message and fields, the cause included', () => {
    const line = compactLine(
      JSON.stringify({
        level: 'WARN',
        message: 'readiness check failed',
        timestamp: '2026-11-30T03:29:00.285Z',
        dependency: 'dynamodb',
        cause: 'Region is missing',
        cold_start: true,
      }),
    );

    expect(line).toBe(
      '03:29:00.285 WARN readiness check failed dependency=dynamodb cause="Region is missing" (cold start)',
    );
  });

  it('leaves what is not a log entry alone', () => {
    expect(compactLine('The gateway is listening on http://127.0.0.1:8080')).toBeUndefined();
    expect(compactLine('{"_aws":{"Timestamp":1}}')).toBeUndefined();
  });
});
