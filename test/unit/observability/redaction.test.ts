import {
  REDACTED,
  redactingReplacer,
  scrub,
  setRedactedHeaders,
} from '../../../functions/gateway/observability/redaction';
import { configFrom } from '../../helpers/test-gateway';

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
    // The login's state travels with its code: both are redacted.
    [
      'a token query parameter',
      '/cb?code=AUTHCODE123&state=ok',
      '/cb?code=[REDACTED]&state=[REDACTED]',
    ],
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

describe('Observability: redaction of header maps by name pattern', () => {
  afterEach(() => setRedactedHeaders([]));

  it.each([
    'authorization',
    'x-custom-auth',
    'X_Auth_Request',
    'x-trace-token',
    'x-csrf-token',
    'x-vendor-secret',
    'x-partner-key',
    'x_partner_key',
    'x-key-id',
    'x-apikey',
    'x-session-hint',
    'x-db-password',
    'x-passwd',
    'x-aws-credentials',
    'x-hub-signature-256',
    'x-webhook-sig',
    'x-private-data',
    'cookie',
    'set-cookie',
  ])('replaces the value of the credential-like header %s', (name) => {
    const line = JSON.parse(stringify({ headers: { [name]: 'v4lue', accept: '*/*' } }));

    expect(line).toEqual({ headers: { [name]: REDACTED, accept: '*/*' } });
  });

  it('keeps ordinary headers, and log fields that only sound like them outside header maps', () => {
    const line = {
      auth: 'missing_cookie',
      headers: { accept: 'application/json', 'user-agent': 'curl/8', 'x-keyboard': 'qwerty' },
    };

    expect(JSON.parse(stringify(line))).toEqual(line);
  });

  it('applies the configured patterns (logging.redact_headers) on top of the built-in ones', () => {
    const line = {
      request_headers: { 'X-Internal-Route': 'blue', 'x-tenant': 't1', 'x-api-key': 'k' },
    };
    expect(JSON.parse(stringify(line)).request_headers).toEqual({
      'X-Internal-Route': 'blue',
      'x-tenant': 't1',
      'x-api-key': REDACTED,
    });

    setRedactedHeaders(['x-internal-*', 'X-TENANT']);

    expect(JSON.parse(stringify(line)).request_headers).toEqual({
      'X-Internal-Route': REDACTED,
      'x-tenant': REDACTED,
      'x-api-key': REDACTED,
    });
  });

  it('treats a header called __proto__ as data', () => {
    const headers = JSON.parse('{"__proto__":"x","x-session":"s"}') as Record<string, string>;

    expect(stringify({ headers })).toBe(`{"headers":{"__proto__":"x","x-session":"${REDACTED}"}}`);
  });
});

describe('Config: logging.redact_headers', () => {
  it('refuses a pattern that is not a header-name glob, naming the field', () => {
    expect(() =>
      configFrom(`
routes:
  - { path: /a, methods: [GET], upstream: "http://svc" }
logging:
  redact_headers: ["x-ok-*", "bad header"]
`),
    ).toThrow('logging.redact_headers[1]: must be a header name glob');
  });

  it('defaults to no extra patterns', () => {
    expect(
      configFrom('routes: [{ path: /a, methods: [GET], upstream: "http://svc" }]').logging,
    ).toEqual({
      redact_headers: [],
    });
  });
});
