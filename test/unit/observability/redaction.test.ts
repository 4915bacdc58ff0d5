import {
  REDACTED,
  redactingReplacer,
  scrub,
} from '../../../functions/gateway/observability/redaction';

const stringify = (value: unknown) => JSON.stringify(value, redactingReplacer);

describe('Observability: redaction', () => {
  it.each([
    'cookie',
    'Cookie',
    'cookies',
    'set-cookie',
    'authorization',
    'Authorization',
    'x-api-key',
    'session_token',
    'access_token',
    'SESSION_SECRET',
    'password',
    'client_secret',
    'x-amz-security-token',
  ])('replaces the whole value of %s', (key) => {
    expect(JSON.parse(stringify({ [key]: 'abc', nested: { [key]: ['x', 'y'] } }))).toEqual({
      [key]: REDACTED,
      nested: { [key]: REDACTED },
    });
  });

  it('keeps ordinary fields', () => {
    const line = {
      method: 'GET',
      route: 'users',
      status: 200,
      latency_ms: 1.5,
      correlation_id: 'c-1',
      rate_limit: 'allowed',
    };

    expect(JSON.parse(stringify(line))).toEqual(line);
  });

  it.each([
    ['a token query parameter', '/cb?code=AUTHCODE123&state=ok', '/cb?code=[REDACTED]&state=ok'],
    [
      'an access token parameter',
      'a=1&access_token=ya29.xyz&b=2',
      'a=1&access_token=[REDACTED]&b=2',
    ],
    [
      'a session cookie in free text',
      'cookie session_token=abc.def; theme=dark',
      'cookie session_token=[REDACTED]; theme=dark',
    ],
    [
      'a bearer credential',
      'Authorization: Bearer eyJhbGciOi.payload.sig',
      'Authorization: Bearer [REDACTED]',
    ],
    ['a basic credential', 'Basic dXNlcjpwYXNz', 'Basic [REDACTED]'],
    ['a JWT', 'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl here', 'jwt [REDACTED] here'],
    ['a session token shape', `id ${'a'.repeat(43)}.${'b'.repeat(43)} end`, `id ${REDACTED} end`],
  ])('scrubs %s from strings', (_case, input, expected) => {
    expect(scrub(input)).toBe(expected);
  });
});
