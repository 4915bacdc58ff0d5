import { bucketKey } from '../../../functions/gateway/ratelimit/bucket-key';

describe('RateLimiter: bucketKey', () => {
  const who = { userId: 'alice', sourceIp: '203.0.113.9' };

  it.each([
    ['user', 'rl:user:{alice}:route:users'],
    ['ip', 'rl:ip:{203.0.113.9}:route:users'],
    ['route', 'rl:route:{users}'],
    ['global', 'rl:global:{global}'],
  ] as const)('keys scope %s as %s', (scope, expected) => {
    expect(bucketKey(scope, 'users', who)).toBe(expected);
  });

  it('falls back to the IP for a user scope without a user', () => {
    expect(bucketKey('user', 'users', { userId: undefined, sourceIp: '2001:db8::1' })).toBe(
      'rl:ip:{2001%3Adb8%3A%3A1}:route:users',
    );
  });

  it('encodes ids so braces cannot move the hash tag or forge another key', () => {
    expect(bucketKey('user', '/api/{id}', { userId: 'a}:route:x', sourceIp: 'x' })).toBe(
      'rl:user:{a%7D%3Aroute%3Ax}:route:%2Fapi%2F%7Bid%7D',
    );
  });
});
