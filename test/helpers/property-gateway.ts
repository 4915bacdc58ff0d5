import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { lambdaContext } from '../../dev/lambda-context';
import type { GatewayConfig } from '../../functions/gateway/config/schema';
import { createGateway } from '../../functions/gateway/create-gateway';
import type { FunctionUrlEvent, FunctionUrlResult } from '../../functions/gateway/http/types';
import { loggerOptions } from '../../functions/gateway/observability/logger';
import {
  type FetchUpstreamOptions,
  fetchUpstream,
} from '../../functions/gateway/proxy/fetch-upstream';
import type { Upstream } from '../../functions/gateway/proxy/upstream';
import { MemoryTokenBucket } from '../../functions/gateway/ratelimit/memory-token-bucket';
import { SessionSigner } from '../../functions/gateway/sessions/session-signer';
import type { SessionRecord } from '../../functions/gateway/sessions/session-types';
import { deliver, type TokenMaker } from './function-url-delivery';
import type { HostileRequest, SessionName, TokenPlan } from './hostile-requests';
import { appendToLogCapture } from './log-capture';
import { type SeenRequest, startRecordingUpstream } from './loopback-upstream';
import { memorySessionStore } from './memory-session-store';
import { configFrom } from './test-gateway';

export const PROPERTY_SESSION_SECRET = 'property-session-secret-0123456789-abcdefghij';
/** A secret the gateway does not hold: tokens signed with it must never pass. */
export const FOREIGN_SESSION_SECRET = 'property-foreign-secret-0123456789-abcdefghij';

/** Every route's budget; the properties allow 3x this for an answer (a noisy 2-core machine). */
export const ROUTE_TIMEOUT_MS = 1000;

/**
 * The route table of the properties. Each route has its own upstream base path (`/r-<id>`), so
 * what the upstream receives tells which route forwarded it, and what it may address.
 */
const BUDGET = `timeout_ms: ${ROUTE_TIMEOUT_MS}, connect_timeout_ms: ${ROUTE_TIMEOUT_MS}`;
const ROUTES_YAML = `
routes:
  - { id: canary, path: /canary, methods: [GET], upstream: "\${UP}/r-canary", auth_required: false, rate_limit: false, ${BUDGET} }
  - { id: public, path: /public/*, methods: [GET, POST, PUT, PATCH, DELETE, OPTIONS], upstream: "\${UP}/r-public", strip_prefix: /public, auth_required: false, max_body_bytes: 1024, ${BUDGET} }
  - { id: docs, path: /docs/*, methods: [GET], upstream: "\${UP}/r-docs", auth_required: false, ${BUDGET} }
  - { id: users, path: "/api/users/{id}", methods: [GET, PUT], upstream: "\${UP}/r-users", strip_prefix: /api, permissions: [users:read], rate_limit: { capacity: 1000000, refill_per_second: 100000, scope: user }, ${BUDGET} }
  - { id: admin, path: "/api/admin/{id}", methods: [GET], upstream: "\${UP}/r-admin", strip_prefix: /api, permissions: [admin:all], ${BUDGET} }
  - { id: api, path: /api/*, methods: [GET, POST, DELETE], upstream: "\${UP}/r-api", strip_prefix: /api, auth_required: false, ${BUDGET} }
  - { id: limited, path: /limited/*, methods: [GET, POST], upstream: "\${UP}/r-limited", strip_prefix: /limited, auth_required: false, rate_limit: { capacity: 3, refill_per_second: 1, scope: ip }, ${BUDGET} }
roles:
  reader: [users:read]
  admin: ["*"]
sessions:
  user_headers: { user_id: X-User-Id, roles: X-User-Roles }
logging:
  redact_headers: ["x-internal-*"]
`;

/** What each route may address upstream, as the upstream reads paths: `*` is any rest. */
export const UPSTREAM_SCOPES: Readonly<
  Record<string, { readonly pattern: readonly string[]; readonly permission?: string }>
> = {
  'r-canary': { pattern: ['r-canary', 'canary'] },
  'r-public': { pattern: ['r-public', '*'] },
  'r-docs': { pattern: ['r-docs', 'docs', '*'] },
  'r-users': { pattern: ['r-users', 'users', '{id}'], permission: 'users:read' },
  'r-admin': { pattern: ['r-admin', 'admin', '{id}'], permission: 'admin:all' },
  'r-api': { pattern: ['r-api', '*'] },
  'r-limited': { pattern: ['r-limited', '*'] },
};

/** The methods each route answers (GET routes also HEAD), for the routing oracle. */
export const ROUTE_METHODS = {
  canary: ['GET', 'HEAD'],
  public: ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'],
  docs: ['GET', 'HEAD'],
  users: ['GET', 'HEAD', 'PUT'],
  admin: ['GET', 'HEAD'],
  api: ['DELETE', 'GET', 'HEAD', 'POST'],
  limited: ['GET', 'HEAD', 'POST'],
  health: ['GET', 'HEAD'],
} as const;

const ROLE_GRANTS: Readonly<Record<string, readonly string[]>> = {
  reader: ['users:read'],
  admin: ['*'],
};

const NOW = Math.floor(Date.now() / 1000);
const session = (
  name: SessionName,
  roles: string[],
  extra: Partial<SessionRecord> = {},
): SessionRecord => ({
  sessionId: `${name}-property-session-0001`,
  userId: name,
  roles,
  permissions: [],
  createdAt: NOW,
  expiresAt: NOW + 24 * 3600,
  revoked: false,
  ...extra,
});

/** The sessions in the store; the cookie generators pick among them. */
export const SESSIONS: Readonly<Record<SessionName, SessionRecord>> = {
  alice: session('alice', ['reader']),
  bob: session('bob', []),
  carol: session('carol', ['constructor']),
  dave: session('dave', ['__proto__', 'reader']),
  erin: session('erin', ['toString'], { permissions: ['hasOwnProperty'] }),
  frank: session('frank', ['reader'], { revoked: true }),
  gina: session('gina', ['reader'], { expiresAt: NOW - 60 }),
  root: session('root', ['admin']),
};

/** Not revoked, not expired. */
export const sessionIsLive = (name: SessionName): boolean =>
  !SESSIONS[name].revoked && SESSIONS[name].expiresAt > Math.floor(Date.now() / 1000);

/** Whether a session may hold a permission: live, and granted directly or through a role. */
export const sessionGrants = (name: SessionName, permission: string): boolean => {
  const record = SESSIONS[name];
  if (!sessionIsLive(name)) return false;
  const held = new Set(record.permissions);
  for (const role of record.roles) {
    for (const granted of Object.hasOwn(ROLE_GRANTS, role) ? (ROLE_GRANTS[role] ?? []) : []) {
      held.add(granted);
    }
  }
  return held.has('*') || held.has(permission);
};

const signer = new SessionSigner([PROPERTY_SESSION_SECRET]);
const foreignSigner = new SessionSigner([FOREIGN_SESSION_SECRET]);
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Turns a token plan into the cookie value a client would send. */
export const tokenFor: TokenMaker = (plan: TokenPlan): string => {
  if (plan.kind === 'unknown-id') return signer.sign(plan.id);
  const minted = signer.sign(SESSIONS[plan.session].sessionId);
  const [id = '', signature = ''] = minted.split('.');
  switch (plan.kind) {
    case 'minted':
      return minted;
    case 'quoted':
      return `"${minted}"`;
    case 'padding-alias': {
      // 43 base64url characters carry 258 bits for 256: the last one's low 2 bits are padding.
      const last = BASE64URL.indexOf(signature.at(-1) ?? 'A');
      return `${id}.${signature.slice(0, -1)}${BASE64URL[last ^ plan.flip]}`;
    }
    case 'forged':
      return `${id}.${plan.signature}`;
    case 'foreign-secret':
      return foreignSigner.sign(SESSIONS[plan.session].sessionId);
    case 'swapped':
      return `${id}.${signer.sign(SESSIONS[plan.signatureOf].sessionId).split('.')[1]}`;
    case 'mangled':
      if (plan.how === 'append') return `${minted}A`;
      if (plan.how === 'upper') return minted.toUpperCase();
      if (plan.how === 'truncate') return minted.slice(0, -1);
      return `${id}..${signature}`;
  }
};

/** The session a cookie value really belongs to: only the exact minted token (or it quoted). */
export const sessionOfCookie = (value: string): SessionName | undefined => {
  const unquoted =
    value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  for (const [name, record] of Object.entries(SESSIONS)) {
    if (unquoted === signer.sign(record.sessionId)) return name as SessionName;
  }
  return undefined;
};

/** Marks the pool probe, so a generated request to /canary is never mistaken for it. */
const CANARY_QUERY = 'probe=pool-canary';

/** One request through the gateway and what came of it. */
export interface Exchange {
  readonly request: HostileRequest;
  readonly event: FunctionUrlEvent;
  readonly result?: FunctionUrlResult;
  /** When the handler threw instead of answering. */
  readonly thrown?: unknown;
  readonly elapsedMs: number;
  /** What the upstream received meanwhile (the canary excluded). */
  readonly seen: readonly SeenRequest[];
  /** What the gateway wrote meanwhile (log lines, EMF). */
  readonly logs: string;
}

export interface PropertyGateway {
  readonly upstreamUrl: string;
  readonly config: GatewayConfig;
  /** Sends one generated request. */
  exchange(request: HostileRequest): Promise<Exchange>;
  /** A plain GET of the canary route on the same pool: its status, time and whether it arrived. */
  normal(): Promise<{ status: number | undefined; elapsedMs: number; arrived: boolean }>;
  /** A new connection pool, so one case's damage cannot be blamed on the next. */
  renewPool(): void;
  close(): Promise<void>;
}

/**
 * Connections per origin of the per-case pool. Two, not one: undici's Agent uses a bare Client for
 * one connection and a Pool from two up, and a Pool is where a connection can be left for good.
 */
export const CASE_POOL_CONNECTIONS = 2;

export interface PropertyGatewayOptions {
  /** @default a pool of `CASE_POOL_CONNECTIONS`, renewed per case by `renewPool` */
  readonly pool?: FetchUpstreamOptions;
}

/**
 * The real handler (`createGateway`, the production logger settings at debug level, EMF metrics)
 * on the real undici upstream against a real loopback HTTP server that records what it receives,
 * with a real session signer over an in-memory store and the in-memory limiter. Its output is kept
 * off the test report and appended to the log capture, which `npm run test:logs` scans.
 */
export const startPropertyGateway = async (
  options: PropertyGatewayOptions = {},
): Promise<PropertyGateway> => {
  const origin = await startRecordingUpstream();
  let config: GatewayConfig;
  try {
    config = configFrom(ROUTES_YAML, { UP: origin.url });
  } catch (error) {
    await origin.close();
    throw error;
  }
  const store = memorySessionStore();
  for (const record of Object.values(SESSIONS)) store.records.set(record.sessionId, record);
  const poolOptions = options.pool ?? { connectionsPerOrigin: CASE_POOL_CONNECTIONS };
  let pool = fetchUpstream(poolOptions);
  const upstream: Upstream = { forward: (request) => pool.forward(request) };
  const handler = createGateway({
    config,
    upstream,
    logger: new Logger({ ...loggerOptions, logLevel: 'DEBUG' }),
    metrics: new Metrics({ namespace: 'Gateway', serviceName: 'gateway' }),
    sessions: { signer, store },
    rateLimiter: new MemoryTokenBucket(),
  });

  let written: string[] = [];
  const record = (chunk: string | Uint8Array): boolean => {
    appendToLogCapture(chunk);
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(record),
    jest.spyOn(process.stderr, 'write').mockImplementation(record),
  ];

  const invoke = async (event: FunctionUrlEvent) => {
    const started = performance.now();
    try {
      const result = await handler(event, lambdaContext(), {
        signal: new AbortController().signal,
      });
      return { result: result ?? undefined, elapsedMs: performance.now() - started };
    } catch (thrown) {
      return { thrown, elapsedMs: performance.now() - started };
    }
  };
  const isCanary = (seen: SeenRequest): boolean => seen.url === `/r-canary/canary?${CANARY_QUERY}`;

  return {
    upstreamUrl: origin.url,
    config,
    async exchange(request) {
      const from = origin.seen.length;
      written = [];
      const event = deliver(request, tokenFor);
      const outcome = await invoke(event);
      return {
        request,
        event,
        ...outcome,
        seen: origin.seen.slice(from).filter((seen) => !isCanary(seen)),
        logs: written.join(''),
      };
    },
    async normal() {
      const from = origin.seen.length;
      const outcome = await invoke(
        deliver(
          {
            shape: 'function-url',
            method: 'GET',
            path: '/canary',
            query: CANARY_QUERY,
            headers: [['accept', 'application/json']],
            cookies: [],
            sourceIp: '192.0.2.1',
          },
          tokenFor,
        ),
      );
      return {
        status: outcome.result?.statusCode,
        elapsedMs: outcome.elapsedMs,
        arrived: origin.seen.slice(from).some(isCanary),
      };
    },
    renewPool() {
      const old = pool;
      pool = fetchUpstream(poolOptions);
      // A pool with a stuck request never finishes closing: do not wait on it.
      void old.close().catch(() => undefined);
    },
    async close() {
      for (const spy of spies) spy.mockRestore();
      await Promise.race([pool.close(), new Promise((resolve) => setTimeout(resolve, 200))]);
      await origin.close();
    },
  };
};
