import { BadGatewayError } from '../../../functions/gateway/http/errors';
import {
  buildResult,
  MAX_BUFFERED_RESULT_BYTES,
} from '../../../functions/gateway/proxy/build-result';

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
    );

    expect(result).toMatchObject({ body: '{"a":"é"}', isBase64Encoded: false });
  });

  it('sends a binary body as base64', () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 255]);

    const result = buildResult(response({ 'content-type': 'image/png' }, bytes), 'GET');

    expect(result.isBase64Encoded).toBe(true);
    expect(Buffer.from(result.body ?? '', 'base64')).toEqual(bytes);
  });

  it('falls back to base64 for "text" that is not valid UTF-8', () => {
    const result = buildResult(
      response({ 'content-type': 'text/plain' }, Buffer.from([0xff, 0xfe, 0x41])),
      'GET',
    );

    expect(result.isBase64Encoded).toBe(true);
  });

  it('returns each Set-Cookie in the cookies array', () => {
    const result = buildResult(
      response({}, Buffer.alloc(0), ['a=1; Path=/', 'b=2; HttpOnly']),
      'GET',
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
    );

    expect(result.headers).toEqual({ etag: '"v1"', 'content-encoding': 'gzip' });
  });

  it('passes a compressed text body through as bytes', () => {
    const gzipped = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x41, 0x42]);

    const result = buildResult(
      response({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, gzipped),
      'GET',
    );

    expect(result.isBase64Encoded).toBe(true);
    expect(Buffer.from(result.body ?? '', 'base64')).toEqual(gzipped);
  });

  it('sends no body for HEAD', () => {
    expect(
      buildResult(response({ 'content-type': 'text/plain' }, Buffer.from('x')), 'HEAD').body,
    ).toBe('');
  });

  it('refuses an answer too large for a buffered Function URL response with 502', () => {
    const body = Buffer.alloc(MAX_BUFFERED_RESULT_BYTES + 1, 'a');

    expect(() => buildResult(response({ 'content-type': 'text/plain' }, body), 'GET')).toThrow(
      BadGatewayError,
    );
  });
});
