import { BadGatewayError } from '../../../functions/gateway/http/errors';
import {
  buildResult,
  MAX_BUFFERED_RESULT_BYTES,
} from '../../../functions/gateway/proxy/build-result';
import type { ResponseRules } from '../../../functions/gateway/proxy/response-rules';

/** What a route upstream of `http://10.0.3.7:8080/base/` with `strip_prefix: /api` gets. */
const rules: ResponseRules = {
  sessionCookieCore: 'session_token',
  location: { origin: 'http://10.0.3.7:8080', basePath: '/base', publicPrefix: '/api' },
};

const response = (
  headers: Record<string, string>,
  body: Uint8Array,
  setCookies: string[] = [],
) => ({
  status: 200,
  headers,
  setCookies,
  body,
});

describe('Proxy: buildResult', () => {
  it('keeps a UTF-8 text body as text', () => {
    const result = buildResult(
      response({ 'content-type': 'application/json' }, Buffer.from('{"a":"é"}')),
      'GET',
      rules,
    );

    expect(result).toMatchObject({ body: '{"a":"é"}', isBase64Encoded: false });
  });

  it('sends a binary body as base64', () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 255]);

    const result = buildResult(response({ 'content-type': 'image/png' }, bytes), 'GET', rules);

    expect(result.isBase64Encoded).toBe(true);
    expect(Buffer.from(result.body ?? '', 'base64')).toEqual(bytes);
  });

  it('falls back to base64 for "text" that is not valid UTF-8', () => {
    const result = buildResult(
      response({ 'content-type': 'text/plain' }, Buffer.from([0xff, 0xfe, 0x41])),
      'GET',
      rules,
    );

    expect(result.isBase64Encoded).toBe(true);
  });

  it('returns each Set-Cookie in the cookies array', () => {
    const result = buildResult(
      response({}, Buffer.alloc(0), ['a=1; Path=/', 'b=2; HttpOnly']),
      'GET',
      rules,
    );

    expect(result.cookies).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(result.headers['set-cookie']).toBeUndefined();
  });

  it('drops hop-by-hop headers and the length Lambda sets itself, keeping the encoding', () => {
    const result = buildResult(
      response(
        {
          connection: 'close, x-hop',
          'x-hop': '1',
          'keep-alive': 'timeout=5',
          'transfer-encoding': 'chunked',
          'content-encoding': 'gzip',
          'content-length': '10',
          etag: '"v1"',
        },
        Buffer.from('x'),
      ),
      'GET',
      rules,
    );

    expect(result.headers).toEqual({ etag: '"v1"', 'content-encoding': 'gzip' });
  });

  it('passes a compressed text body through as bytes', () => {
    const gzipped = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x41, 0x42]);

    const result = buildResult(
      response({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, gzipped),
      'GET',
      rules,
    );

    expect(result.isBase64Encoded).toBe(true);
    expect(Buffer.from(result.body ?? '', 'base64')).toEqual(gzipped);
  });

  it('sends no body for HEAD', () => {
    expect(
      buildResult(response({ 'content-type': 'text/plain' }, Buffer.from('x')), 'HEAD', rules).body,
    ).toBe('');
  });

  it('refuses an answer too large for a buffered Function URL response with 502', () => {
    const body = Buffer.alloc(MAX_BUFFERED_RESULT_BYTES + 1, 'a');

    expect(() =>
      buildResult(response({ 'content-type': 'text/plain' }, body), 'GET', rules),
    ).toThrow(BadGatewayError);
  });
});

describe('Proxy: buildResult contains what the upstream may not decide', () => {
  const answer = (headers: Record<string, string>, setCookies: string[] = []) =>
    buildResult(response(headers, Buffer.alloc(0), setCookies), 'GET', rules);

  it('drops a Set-Cookie for the session cookie, as browsers name cookies, and keeps the rest', () => {
    const result = answer({}, [
      'session_token=tossed; Path=/',
      ' session_token\t=tossed',
      'session_token=',
      '__Host-session_token=tossed; Path=/; Secure',
      '__SECURE-session_token=tossed; Secure',
      '__Http-session_token=tossed',
      '__Host-Http-session_token=tossed',
      'theme=dark; Path=/',
      'Session_Token=other-cookie',
      'session_token_hint=other-cookie',
      'x=session_token=1',
      'session_token',
    ]);

    expect(result.cookies).toEqual([
      'theme=dark; Path=/',
      'Session_Token=other-cookie',
      'session_token_hint=other-cookie',
      'x=session_token=1',
      // No `=`: browsers store it under the empty name.
      'session_token',
    ]);
  });

  it('drops the unprefixed name too when the configured name carries a prefix', () => {
    const result = buildResult(
      response({}, Buffer.alloc(0), ['__Host-sid=1', 'sid=2', '__secure-sid=3', 'a=4']),
      'GET',
      { sessionCookieCore: 'sid' },
    );

    expect(result.cookies).toEqual(['a=4']);
  });

  it("drops the upstream's RateLimit headers and keeps its own X-RateLimit and Retry-After", () => {
    const result = answer({
      'ratelimit-limit': '1000',
      'ratelimit-remaining': '999',
      'ratelimit-reset': '0',
      'ratelimit-policy': '1000;w=1',
      ratelimit: 'limit=1000, remaining=999, reset=0',
      'x-ratelimit-remaining': '5',
      'retry-after': '3',
    });

    expect(result.headers).toEqual({ 'x-ratelimit-remaining': '5', 'retry-after': '3' });
  });

  it.each([
    ['below the base path', 'http://10.0.3.7:8080/base/next?a=1#top', '/api/next?a=1#top'],
    ['the base path itself', 'http://10.0.3.7:8080/base', '/api'],
    ['the base path with a query', 'http://10.0.3.7:8080/base?a=1', '/api?a=1'],
    ['the origin in other case', 'HTTP://10.0.3.7:8080/base/x', '/api/x'],
    ['a network-path reference', '//10.0.3.7:8080/base/x', '/api/x'],
    ['percent-encoding kept', 'http://10.0.3.7:8080/base/a%2Fb/%7E', '/api/a%2Fb/%7E'],
  ])('rewrites a Location on the upstream, %s, into the public path', (_, location, expected) => {
    expect(answer({ location }).headers.location).toBe(expected);
    expect(answer({ 'content-location': location }).headers['content-location']).toBe(expected);
  });

  it.each([
    ['a relative path', '/base/x'],
    ['another host', 'https://login.example/base/x'],
    ['another port', 'http://10.0.3.7:8081/base/x'],
    ['another scheme', 'https://10.0.3.7:8080/base/x'],
    ['the upstream outside its base path', 'http://10.0.3.7:8080/other'],
    ['a path that only starts like the base', 'http://10.0.3.7:8080/basement'],
    ['a backslash after the authority', 'http://10.0.3.7:8080\\base\\x'],
    ['something unparseable', 'http://[bad/base/x'],
  ])('leaves a Location to %s unchanged', (_, location) => {
    expect(answer({ location }).headers.location).toBe(location);
  });

  it('maps onto the root when neither a base path nor strip_prefix is set', () => {
    const bare: ResponseRules = {
      sessionCookieCore: 'session_token',
      location: { origin: 'http://10.0.3.7:8080', basePath: '', publicPrefix: '' },
    };
    const at = (location: string) =>
      buildResult(response({ location }, Buffer.alloc(0)), 'GET', bare).headers.location;

    expect(at('http://10.0.3.7:8080/users/1')).toBe('/users/1');
    expect(at('http://10.0.3.7:8080')).toBe('/');
    expect(at('http://10.0.3.7:8080?a=1')).toBe('/?a=1');
  });

  it('passes Location unchanged when the route opts out', () => {
    const result = buildResult(
      response({ location: 'http://10.0.3.7:8080/base/x' }, Buffer.alloc(0)),
      'GET',
      { sessionCookieCore: 'session_token' },
    );

    expect(result.headers.location).toBe('http://10.0.3.7:8080/base/x');
  });
});
