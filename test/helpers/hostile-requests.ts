import fc from 'fast-check';

/**
 * Generators of what a hostile (or merely odd) client sends, as plain data so that a shrunk
 * counterexample reads as a request. `function-url-delivery.ts` turns one into the event Lambda
 * would hand the gateway.
 */

/** How a session cookie value is made from the sessions `property-gateway.ts` seeds. */
export type TokenPlan =
  /** The token the gateway minted for the session, as is. */
  | { readonly kind: 'minted'; readonly session: SessionName }
  /** The same, in double quotes (RFC 6265 allows a quoted cookie value). */
  | { readonly kind: 'quoted'; readonly session: SessionName }
  /** The minted token with its last character swapped for one that decodes to the same bytes. */
  | { readonly kind: 'padding-alias'; readonly session: SessionName; readonly flip: 1 | 2 | 3 }
  /** The session's id with a signature of the right shape that nobody signed. */
  | { readonly kind: 'forged'; readonly session: SessionName; readonly signature: string }
  /** Signed correctly, but with a secret the gateway does not hold. */
  | { readonly kind: 'foreign-secret'; readonly session: SessionName }
  /** One session's id with another session's signature. */
  | { readonly kind: 'swapped'; readonly session: SessionName; readonly signatureOf: SessionName }
  /** Signed correctly with the gateway's secret, for an id the store does not know. */
  | { readonly kind: 'unknown-id'; readonly id: string }
  /** The minted token with characters changed elsewhere: appended, case-flipped, truncated. */
  | {
      readonly kind: 'mangled';
      readonly session: SessionName;
      readonly how: 'append' | 'upper' | 'truncate' | 'double-dot';
    };

export const SESSION_NAMES = [
  'alice', // reader: may read users
  'bob', // no roles, no permissions
  'carol', // role "constructor"
  'dave', // roles "__proto__" and reader
  'erin', // role "toString", permission "hasOwnProperty"
  'frank', // reader, revoked
  'gina', // reader, expired
  'root', // admin: every permission
] as const;
export type SessionName = (typeof SESSION_NAMES)[number];

export type CookieValue = { readonly token: TokenPlan } | { readonly raw: string };
export interface CookiePair {
  readonly name: string;
  readonly value: CookieValue;
}

export interface RequestBody {
  readonly bytes: readonly number[] | string;
  /** How a direct invoke (not the Function URL) encodes it; the Function URL decides itself. */
  readonly encoding?: 'base64' | 'text' | 'invalid-base64';
}

/** Odd shapes only a direct `lambda:InvokeFunction` can produce; the Function URL never would. */
export interface DirectShape {
  readonly kind: 'direct';
  /** Header names as the client wrote them instead of lower-cased. */
  readonly keepHeaderCase: boolean;
  /** Where the cookies go: the `cookies` array, a `cookie` header, or one array entry per header. */
  readonly cookiesIn: 'array' | 'header' | 'array-whole';
  readonly omit: readonly (
    | 'headers'
    | 'cookies'
    | 'rawQueryString'
    | 'isBase64Encoded'
    | 'sourceIp'
    | 'domainName'
  )[];
  /** Header values that are not strings (a number, a list, null). */
  readonly nonStringHeader?: { readonly name: string; readonly value: number | string[] | null };
}

export interface HostileRequest {
  readonly shape: 'function-url' | DirectShape;
  readonly method: string;
  /** The raw request path (rawPath). */
  readonly path: string;
  readonly query: string;
  /** In the order and case the client sent them; repeated names allowed. */
  readonly headers: readonly (readonly [string, string])[];
  /** One entry per Cookie header the client sent, each with one or more pairs. */
  readonly cookies: readonly (readonly CookiePair[])[];
  readonly body?: RequestBody;
  readonly sourceIp: string;
}

/** Identity and routing headers no client may set for the upstream (checked in any spelling). */
export const IDENTITY_HEADERS = [
  'x-user-id',
  'x-user-roles',
  'x-user-permissions',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-forwarded-prefix',
  'x-forwarded-server',
  'x-forwarded-user',
  'x-real-ip',
  'x-original-url',
  'x-rewrite-url',
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
] as const;

/**
 * One of several arbitraries by weight. Shrinking may move to the first one, so list the plainest
 * first: a counterexample then keeps only the hostile parts that matter.
 */
const weighted = <T>(...entries: [number, fc.Arbitrary<T>][]): fc.Arbitrary<T> =>
  fc.oneof(
    { withCrossShrink: true },
    ...entries.map(([weight, arbitrary]) => ({ weight, arbitrary })),
  );

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const base64urlString = (length: number) =>
  fc
    .array(fc.constantFrom(...BASE64URL), { minLength: length, maxLength: length })
    .map((chars) => chars.join(''));

/** Spells a header name any way a client might: any case, `_` for `-`. */
const spelled = (name: string): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.constantFrom(name, name.replaceAll('-', '_')),
      fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }),
    )
    .map(([base, upper]) =>
      [...base].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join(''),
    );

// ---------------------------------------------------------------- paths

const ROUTE_PREFIXES = [
  '/public',
  '/docs',
  '/api/users',
  '/api/admin',
  '/api',
  '/limited',
  '/canary',
  '/health/live',
  '/health/ready',
  '',
] as const;

/** Segments servers disagree about: dots, separators, encodings, parameters, prototype keys. */
const HOSTILE_SEGMENTS = [
  '.',
  '..',
  '%2e',
  '%2E%2e',
  '.%2e',
  '%2e.',
  '..\\users\\1',
  '..\\admin\\1',
  '\\',
  '\\..\\..\\r-users\\users\\1',
  '%5c',
  '%5C..%5C',
  'a%2Fb',
  '%2F..%2F..%2Fusers%2F1',
  '..%2Fadmin%2F1',
  '%252e%252e',
  '..;',
  '..;a',
  ';jsessionid=x',
  'users;/..',
  'é',
  '日本',
  '\u202e',
  '／',
  '%EF%BC%8F',
  '%c0%af',
  '%',
  '%zz',
  '%00',
  '',
  '*',
  '{id}',
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'prototype',
] as const;

/** Only a direct invoke delivers these raw: a request line cannot carry them. */
const UNSENDABLE_SEGMENTS = ['\u0000', '\r\nX-Injected: 1', '\t', ' ', 'a b', '?', '#'] as const;

const plainSegment = weighted<string>(
  [4, fc.constantFrom('1', '42', 'abc', 'users', 'admin', 'a%20b', 'x.json', '~me')],
  [1, fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/)],
);

const segment = (sendable: boolean) =>
  weighted<string>(
    [5, plainSegment],
    [4, fc.constantFrom(...HOSTILE_SEGMENTS)],
    ...(sendable
      ? []
      : ([
          [1, fc.constantFrom(...UNSENDABLE_SEGMENTS)],
          [1, fc.string({ unit: 'binary', maxLength: 6 })],
        ] as [number, fc.Arbitrary<string>][])),
  );

/** A path built on a route's prefix, with ordinary and hostile segments and separators. */
export const hostilePath = (sendable = true): fc.Arbitrary<string> =>
  weighted<string>(
    [
      12,
      fc
        .tuple(
          fc.constantFrom(...ROUTE_PREFIXES),
          fc.array(fc.tuple(fc.constantFrom('/', '/', '/', '\\', '//'), segment(sendable)), {
            maxLength: 4,
          }),
          fc.constantFrom('', '', '', '/'),
        )
        .map(
          ([prefix, parts, end]) =>
            `${prefix}${parts.map(([sep, s]) => sep + s).join('')}${end}` || '/',
        ),
    ],
    [1, fc.constantFrom('/', '/constructor', '/__proto__', '/toString', '/hasOwnProperty')],
    // Shrinkable lengths: a counterexample shows the shortest path that still fails. Long things
    // stay under a common server's 16 KB head together, so an upstream's 431 is never the answer.
    [1, fc.integer({ min: 1, max: 4000 }).map((n) => `/public/${'a'.repeat(n)}`)],
    ...(sendable
      ? []
      : ([
          [
            6,
            fc.constantFrom(
              '',
              'constructor',
              '__proto__',
              'toString',
              'hasOwnProperty',
              'valueOf',
              'api/users/1',
              '*',
              'http://evil.example/public/x',
              '/public/\u0000',
            ),
          ],
        ] as [number, fc.Arbitrary<string>][])),
  );

// ---------------------------------------------------------------- queries

export const hostileQuery = (sendable = true): fc.Arbitrary<string> =>
  weighted<string>(
    [6, fc.constantFrom('', '', 'a=1', 'page=2&sort=asc', 'a=1&a=2', 'q=x%2By')],
    [
      3,
      fc.constantFrom(
        '%',
        'q=%zz',
        'q=%00',
        '__proto__[x]=1',
        'constructor=1',
        'q=é',
        'q=%C3%A9',
        '=',
        '&&',
        '?',
        'q=\\..\\',
      ),
    ],
    [1, fc.integer({ min: 1, max: 4000 }).map((n) => `q=${'x'.repeat(n)}`)],
    ...(sendable
      ? []
      : ([[2, fc.constantFrom('a=b c', 'x=\r\nInjected: 1', 'q=\u0000', '#frag', 'q=日本')]] as [
          number,
          fc.Arbitrary<string>,
        ][])),
  );

// ---------------------------------------------------------------- methods

export const STANDARD_METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
] as const;

export const hostileMethod = (sendable = true): fc.Arbitrary<string> =>
  weighted<string>(
    // GET-heavy, as traffic is: some defects only show on GET and HEAD.
    [10, fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS')],
    [2, fc.constantFrom('TRACE', 'CONNECT', 'PROPFIND', 'M-SEARCH', 'FETCH', 'get', 'Post')],
    [1, fc.constantFrom('constructor', '__proto__', 'toString', 'hasOwnProperty')],
    ...(sendable
      ? []
      : ([[2, fc.constantFrom('', ' GET', 'GET\r\nX-Injected: 1', 'GE T', 'G\u0000ET', 'ÄÖÜ')]] as [
          number,
          fc.Arbitrary<string>,
        ][])),
  );

// ---------------------------------------------------------------- headers

const identityValue = fc.constantFrom(
  'root',
  'admin',
  '*',
  'users:read,admin:all',
  '127.0.0.1',
  '10.0.0.1, 127.0.0.1',
  'for=127.0.0.1;host=internal;proto=https',
  '/api/admin/1',
  '/r-users/users/1',
  'DELETE',
  'internal.example',
  '8443',
);

export const identityHeader: fc.Arbitrary<readonly [string, string]> = fc.tuple(
  fc.constantFrom(...IDENTITY_HEADERS).chain(spelled),
  identityValue,
);

/** A value only a credential has: long, random, unmistakable in a log. */
export const credentialValue: fc.Arbitrary<string> = weighted<string>(
  [3, base64urlString(24).map((s) => `cred-${s}`)],
  [1, base64urlString(32).map((s) => `Bearer ${s}`)],
  [1, base64urlString(20).map((s) => `Basic ${s}==`)],
  [1, fc.tuple(base64urlString(16), base64urlString(24)).map(([a, b]) => `eyJ${a}.eyJ${b}.${b}`)],
  [1, fc.stringMatching(/^[A-Z0-9]{16}$/).map((s) => `AKIA${s}`)],
);

/** Header names the redaction must treat as credentials (built-in and configured patterns). */
export const credentialHeaderName: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(
      'authorization',
      'proxy-authorization',
      'x-api-key',
      'x-internal-{w}',
      'x-{w}-token',
      'x-{w}-secret',
      'x-{w}-key',
      'x-{w}-auth',
      'x-auth-{w}',
      'x-session-{w}',
      'x-{w}-password',
      'x-{w}-credentials',
      'x-{w}-signature',
      'x-{w}-private',
    ),
    fc.constantFrom('vendor', 'hub', 'trace', 'partner', 'db', 'billing'),
  )
  .chain(([template, word]) => spelled(template.replace('{w}', word)));

export const credentialHeader: fc.Arbitrary<readonly [string, string]> = fc.tuple(
  credentialHeaderName,
  credentialValue,
);

/** Headers that change how a request is framed or routed. */
const framingHeader: fc.Arbitrary<readonly [string, string]> = fc.oneof(
  fc.tuple(
    fc.constant('expect').chain(spelled),
    fc.constantFrom('100-continue', '100-Continue', 'nope'),
  ),
  fc.tuple(
    fc.constant('connection'),
    fc.constantFrom(
      'close',
      'keep-alive',
      'upgrade',
      'x-user-id',
      'x-correlation-id, x-forwarded-for',
      'host',
    ),
  ),
  fc.tuple(
    fc.constantFrom('transfer-encoding', 'Transfer-Encoding'),
    fc.constantFrom('chunked', 'gzip, chunked', 'identity'),
  ),
  fc.tuple(
    fc.constant('content-length'),
    fc.constantFrom('0', '5', '-1', 'abc', '99999999999', '1, 2'),
  ),
  fc.tuple(fc.constant('te'), fc.constantFrom('trailers', 'gzip')),
  fc.tuple(fc.constant('upgrade'), fc.constantFrom('websocket', 'h2c')),
  fc.tuple(fc.constant('keep-alive'), fc.constantFrom('timeout=5', 'x')),
  fc.tuple(fc.constant('host'), fc.constantFrom('evil.example', 'localhost:1', '')),
  fc.tuple(fc.constant('trailer'), fc.constant('x-user-id')),
  fc.tuple(
    fc.constant('x-correlation-id'),
    fc.constantFrom('abc-123', 'x'.repeat(129), 'a b', '{"j":1}', ''),
  ),
  fc.tuple(
    fc.constant('content-type'),
    fc.constantFrom(
      'application/json',
      'text/plain; charset=utf-8',
      'application/octet-stream',
      'multipart/form-data; boundary=x',
    ),
  ),
);

/** Values undici refuses, or that split a header: only a direct invoke delivers these. */
const unsendableValue = fc.constantFrom(
  'a\r\nX-Injected: 1',
  'a\nb',
  'a\rb',
  'nul\u0000byte',
  '\u0000',
  'del\u007f',
);

/** Values a real client can send: printable, tabs, obs-text and text beyond Latin-1 (UTF-8 bytes). */
const sendableValue = weighted<string>(
  [6, fc.constantFrom('1', 'text/html', 'gzip, br', 'en-GB,en;q=0.8', '', ' padded ', '\tx')],
  [2, fc.string({ unit: 'grapheme-ascii', maxLength: 24 })],
  [2, fc.constantFrom('é', 'ÿ', '\u0080', 'Ā', '日本語', '\u2028', '😀', 'café')],
  [1, fc.integer({ min: 1, max: 2000 }).map((n) => 'x'.repeat(n))],
);

const ordinaryName = fc.constantFrom(
  'accept',
  'accept-language',
  'user-agent',
  'x-request-colour',
  'Cache-Control',
  'X_Custom_Thing',
  'if-none-match',
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
);

/** Names no client can send on the wire: not an RFC 9110 token. */
const unsendableName = fc.constantFrom(
  'bad header',
  'x:y',
  '(x)',
  'é',
  'x\r\ny',
  'x\u0000',
  '',
  'a\tb',
);

export const hostileHeaders = (
  sendable = true,
): fc.Arbitrary<readonly (readonly [string, string])[]> =>
  fc.array(
    weighted<readonly [string, string]>(
      [6, fc.tuple(ordinaryName, sendableValue)],
      [4, identityHeader],
      [3, framingHeader],
      [2, credentialHeader],
      ...(sendable
        ? []
        : ([
            [2, fc.tuple(ordinaryName, unsendableValue)],
            [2, fc.tuple(unsendableName, fc.constant('1'))],
            [1, fc.tuple(fc.constant('x-user-id'), unsendableValue)],
          ] as [number, fc.Arbitrary<readonly [string, string]>][])),
    ),
    { maxLength: 6 },
  );

// ---------------------------------------------------------------- cookies

const sessionName = fc.constantFrom(...SESSION_NAMES);

export const tokenPlan: fc.Arbitrary<TokenPlan> = fc.oneof(
  fc.record({ kind: fc.constant('minted' as const), session: sessionName }),
  fc.record({ kind: fc.constant('quoted' as const), session: sessionName }),
  fc.record({
    kind: fc.constant('padding-alias' as const),
    session: sessionName,
    flip: fc.constantFrom(1 as const, 2 as const, 3 as const),
  }),
  fc.record({
    kind: fc.constant('forged' as const),
    session: sessionName,
    signature: base64urlString(43),
  }),
  fc.record({ kind: fc.constant('foreign-secret' as const), session: sessionName }),
  fc.record({
    kind: fc.constant('swapped' as const),
    session: sessionName,
    signatureOf: sessionName,
  }),
  fc.record({ kind: fc.constant('unknown-id' as const), id: base64urlString(43) }),
  fc.record({
    kind: fc.constant('mangled' as const),
    session: sessionName,
    how: fc.constantFrom(
      'append' as const,
      'upper' as const,
      'truncate' as const,
      'double-dot' as const,
    ),
  }),
);

const SESSION_COOKIE = 'session_token';

const cookieName = weighted<string>(
  [6, fc.constant(SESSION_COOKIE)],
  [
    2,
    fc.constantFrom(
      'Session_Token',
      'session-token',
      'SESSION_TOKEN',
      ' session_token',
      'session_token ',
    ),
  ],
  [2, fc.constantFrom('theme', 'sid', 'constructor', '__proto__', '')],
);

const rawCookieValue = fc.constantFrom(
  '',
  'dark',
  '"quoted"',
  'a=b',
  'x.y',
  '%00',
  'é',
  '..',
  `${'A'.repeat(43)}.${'B'.repeat(43)}`,
  `${'x'.repeat(15)}.${'y'.repeat(43)}`,
);

export const cookiePair: fc.Arbitrary<CookiePair> = fc.record({
  name: cookieName,
  value: weighted<CookieValue>(
    [3, fc.record({ token: tokenPlan })],
    [1, fc.record({ raw: rawCookieValue })],
  ),
});

/** Cookie headers: duplicates, the session cookie among others, malformed pairs. */
export const hostileCookies: fc.Arbitrary<readonly (readonly CookiePair[])[]> = fc.array(
  fc.array(cookiePair, { minLength: 1, maxLength: 3 }),
  { maxLength: 2 },
);

// ---------------------------------------------------------------- bodies

export const hostileBody: fc.Arbitrary<RequestBody | undefined> = weighted<RequestBody | undefined>(
  [5, fc.constant(undefined)],
  [2, fc.constantFrom('{"a":1}', 'hello', '', 'é日本').map((bytes) => ({ bytes }))],
  [1, fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ bytes: [...bytes] }))],
  [1, fc.integer({ min: 1000, max: 4096 }).map((n) => ({ bytes: 'x'.repeat(n) }))],
);

// ---------------------------------------------------------------- whole requests

const directShape: fc.Arbitrary<DirectShape> = fc.record(
  {
    kind: fc.constant('direct' as const),
    keepHeaderCase: fc.boolean(),
    cookiesIn: fc.constantFrom('array' as const, 'header' as const, 'array-whole' as const),
    omit: fc.subarray(
      [
        'headers',
        'cookies',
        'rawQueryString',
        'isBase64Encoded',
        'sourceIp',
        'domainName',
      ] as const,
      {
        maxLength: 2,
      },
    ),
    nonStringHeader: fc.record({
      name: fc.constantFrom('accept', 'x-user-id', 'x-correlation-id', 'content-type', 'expect'),
      value: fc.constantFrom<number | string[] | null>(7, ['a', 'b'], null),
    }),
  },
  { requiredKeys: ['kind', 'keepHeaderCase', 'cookiesIn', 'omit'] },
);

const sourceIp = fc.constantFrom('203.0.113.9', '198.51.100.7', '2001:db8::1');

const requestOf = (sendable: boolean, shape: fc.Arbitrary<HostileRequest['shape']>) =>
  fc.record({
    shape,
    method: hostileMethod(sendable),
    path: hostilePath(sendable),
    query: hostileQuery(sendable),
    headers: hostileHeaders(sendable),
    cookies: hostileCookies,
    body: hostileBody,
    sourceIp,
  });

/**
 * Any request: mostly as a Function URL delivers one (what a client can send on the wire), a
 * third as direct invokes with odd shapes and values no request line could carry.
 */
export const hostileRequest: fc.Arbitrary<HostileRequest> = weighted<HostileRequest>(
  [2, requestOf(true, fc.constant('function-url' as const))],
  [1, requestOf(false, directShape)],
);

/** A plain request to the canary route: what "the pool still serves" means. */
export const NORMAL_REQUEST: HostileRequest = {
  shape: 'function-url',
  method: 'GET',
  path: '/canary',
  query: '',
  headers: [['accept', 'application/json']],
  cookies: [],
  sourceIp: '192.0.2.1',
};
