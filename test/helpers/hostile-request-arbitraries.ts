import * as fc from 'fast-check';

/**
 * fast-check arbitraries for requests a hostile or broken client could send: header names, header
 * values and request targets biased towards the characters HTTP clients and servers disagree on.
 */

/** One character, mostly harmless, often one of those that break HTTP framing or parsing. */
const hostileChar = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '\r',
      '\n',
      '\r\n',
      '\u0000',
      '\t',
      ' ',
      '\u0001',
      '\u001f',
      '\u007f',
      '\u0080',
      '\u00a0',
      '\u00e9',
      '\u00ff',
      '\u0100',
      '\u0130',
      '\u017f',
      '\u212a',
      '\u20ac',
      '\ud83d\ude00',
      ':',
      '"',
      '#',
      '\\',
      '?',
      '/',
      '%',
      '_',
      '.',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);

/** Names with special meaning to undici, to proxies or to the gateway, in any case. */
const SPECIAL_NAMES = [
  'expect',
  'upgrade',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'host',
  'te',
  'trailer',
  'proxy-authorization',
  'content-type',
  'cookie',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-forwarded-prefix',
  'x-real-ip',
  'x-original-url',
  'x-rewrite-url',
  'x-http-method-override',
  'x-user-id',
  'x-user-roles',
  'x-user-permissions',
  'x-correlation-id',
] as const;

const caseAndSeparatorVariant = (name: string) =>
  fc
    .tuple(fc.mixedCase(fc.constant(name)), fc.constantFrom('-', '_', '.'))
    .map(([mixed, separator]) => mixed.replaceAll('-', separator));

export const headerName = fc.oneof(
  fc.constantFrom(...SPECIAL_NAMES).chain(caseAndSeparatorVariant),
  fc.string({ unit: hostileChar, minLength: 0, maxLength: 12 }),
  fc.stringMatching(/^x-[a-z0-9-]{1,12}$/),
);

export const headerValue = fc.oneof(
  fc.constantFrom('100-continue', 'close', 'keep-alive, x-user-id', 'chunked', '5', 'websocket'),
  fc.string({ unit: 'grapheme-ascii', maxLength: 24 }),
  fc.string({ unit: hostileChar, maxLength: 24 }),
);

/** Header sets as a Function URL event carries them (names as the client spelt them). */
export const headers = fc.dictionary(headerName, headerValue, { maxKeys: 4 });

/** One path segment below a route's prefix, as it would arrive in `rawPath`. */
export const pathSegment = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@-]{1,12}$/),
  fc.string({ unit: hostileChar, minLength: 1, maxLength: 12 }),
);

/** A raw query string as it would arrive in `rawQueryString`. */
export const rawQuery = fc.oneof(
  fc.constant(''),
  fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@/?%-]{1,24}$/),
  fc.string({ unit: hostileChar, maxLength: 24 }),
);
