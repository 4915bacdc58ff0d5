import { commaList } from '../functions/gateway/config/comma-list';
import { type GatewayLogLevel, GatewayLogLevels } from './constructs/gateway-function';

/**
 * Reserved concurrency of production stages: caps what a flood of the public URL can take from the
 * account (1000 by default, of which Lambda keeps 100 unreserved), and guarantees the gateway that
 * much. Size it from peak requests per second x p99 duration in seconds; see docs/deployment.md ("Capping the public URL").
 */
export const PRODUCTION_RESERVED_CONCURRENCY = 100;

/** Deployment settings, from `cdk.json` context (or `-c key=value`), with environment fallbacks. */
export interface GatewaySettings {
  readonly stage: string;
  readonly production: boolean;
  readonly configPath: string;
  readonly memorySize: number;
  readonly vpcId?: string;
  readonly natGateways: number;
  readonly cacheNodeType: string;
  readonly cacheEngine: 'redis' | 'valkey';
  readonly invokeMode: 'BUFFERED' | 'RESPONSE_STREAM';
  readonly edge: 'none' | 'cloudfront';
  readonly webAclArn?: string;
  /** Custom domain of the CloudFront distribution (edge `cloudfront`), with its certificate. */
  readonly domainName?: string;
  readonly certificateArn?: string;
  readonly corsAllowedOrigins: readonly string[];
  readonly upstreamEnvironment: Readonly<Record<string, string>>;
  /** Unset: the function shares the account's unreserved pool. */
  readonly reservedConcurrency?: number;
  readonly vpcEndpoints: boolean;
  readonly alarmEmail?: string;
  readonly logLevel: GatewayLogLevel;
  /** Days between AUTH token rotations of the cache; unset: no schedule (operators rotate). */
  readonly cacheAuthRotationDays?: number;
  /** `active`: X-Ray tracing with the Powertools tracer; `off` (the default). */
  readonly tracing: 'active' | 'off';
  /** OpenID Connect login: context `oidcIssuer` and `oidcClientId`, both or neither. */
  readonly oidc?: { readonly issuer: string; readonly clientId: string };
}

type Lookup = (key: string) => unknown;

/** Stages named `prod` or `production` get production settings unless told otherwise. */
export const isProductionStage = (stage: string): boolean => /^prod(uction)?$/i.test(stage);

const text = (value: unknown): string | undefined =>
  value === undefined || value === null || value === '' ? undefined : String(value);

const oneOf = <T extends string>(
  key: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T => {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`Context ${key} must be one of ${allowed.join(', ')}; got "${value}"`);
};

const positiveInt = (key: string, value: string | undefined, fallback: number, min = 1): number => {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min)
    throw new Error(`Context ${key} must be an integer >= ${min}; got "${value}"`);
  return number;
};

const flag = (key: string, value: string | undefined): boolean => {
  if (value === undefined) return false;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new Error(`Context ${key} must be true or false; got "${value}"`);
};

/** `none` opts a production stage out of its default. */
const reservedConcurrency = (
  value: string | undefined,
  production: boolean,
): number | undefined => {
  if (value === 'none') return undefined;
  if (value === undefined) return production ? PRODUCTION_RESERVED_CONCURRENCY : undefined;
  return positiveInt('reservedConcurrency', value, 1);
};

const email = (value: string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value))
    throw new Error(`Context alarmEmail must be an e-mail address; got "${value}"`);
  return value;
};

const list = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : commaList(text(value));

const record = (key: string, value: unknown): Record<string, string> => {
  if (value === undefined || value === null || value === '') return {};
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`Context ${key} must be an object of environment variables`);
  }
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
};

/** `domainName` + `certificateArn`: both or neither, edge `cloudfront` only, ACM in us-east-1. */
const customDomain = (
  edge: 'none' | 'cloudfront',
  domainName: string | undefined,
  certificateArn: string | undefined,
): { domainName?: string; certificateArn?: string } => {
  if (domainName === undefined && certificateArn === undefined) return {};
  if (domainName === undefined || certificateArn === undefined) {
    throw new Error(
      `Context domainName and certificateArn go together; got only ${domainName ? 'domainName' : 'certificateArn'}`,
    );
  }
  if (edge !== 'cloudfront') throw new Error('Context domainName needs edge=cloudfront');
  if (!/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[A-Za-z0-9-]+$/.test(certificateArn)) {
    throw new Error(
      'Context certificateArn must be an ACM certificate in us-east-1 (CloudFront reads it there)',
    );
  }
  return { domainName, certificateArn };
};

/** `oidcIssuer` + `oidcClientId`: both or neither; the issuer an https URL. */
const oidcSettings = (
  issuer: string | undefined,
  clientId: string | undefined,
): { oidc?: { issuer: string; clientId: string } } => {
  if (issuer === undefined && clientId === undefined) return {};
  if (issuer === undefined || clientId === undefined) {
    throw new Error('Context oidcIssuer and oidcClientId go together');
  }
  let url: URL | undefined;
  try {
    url = new URL(issuer);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:') {
    throw new Error(`Context oidcIssuer must be an https URL; got "${issuer}"`);
  }
  return { oidc: { issuer, clientId } };
};

/**
 * Reads and checks the settings: `stage` (env STAGE, default `dev`), `production` (default: stage
 * is prod/production), `gatewayConfigPath`, `memorySize`, `vpcId`, `natGateways`, `cacheNodeType`,
 * `cacheEngine`, `invokeMode`, `edge`, `webAclArn`, `domainName` + `certificateArn`, `corsAllowedOrigins`,
 * `upstreamEnvironment`, `reservedConcurrency` (production default, `none` to unset), `vpcEndpoints`,
 * `alarmEmail`, `logLevel`, `tracing`, `cacheAuthRotationDays`, `oidcIssuer` + `oidcClientId`.
 */
export const gatewaySettings = (
  context: Lookup,
  env: Readonly<Record<string, string | undefined>> = {},
): GatewaySettings => {
  const stage = text(context('stage')) ?? env.STAGE ?? 'dev';
  if (!/^[A-Za-z0-9-]{1,32}$/.test(stage))
    throw new Error(`Context stage must be 1-32 of A-Z a-z 0-9 -; got "${stage}"`);
  const production = text(context('production'));
  const vpcId = text(context('vpcId'));
  const webAclArn = text(context('webAclArn'));
  const edge = oneOf('edge', text(context('edge')), ['none', 'cloudfront'] as const, 'none');
  const isProduction = production === undefined ? isProductionStage(stage) : production === 'true';
  const concurrency = reservedConcurrency(text(context('reservedConcurrency')), isProduction);
  const alarmEmail = email(text(context('alarmEmail')));
  const rotationDays = text(context('cacheAuthRotationDays'));
  if (rotationDays !== undefined && Number(rotationDays) > 1000)
    throw new Error(`Context cacheAuthRotationDays must be at most 1000; got "${rotationDays}"`);
  return {
    stage,
    production: isProduction,
    configPath: text(context('gatewayConfigPath')) ?? env.GATEWAY_CONFIG ?? 'config/gateway.yml',
    memorySize: positiveInt('memorySize', text(context('memorySize')), 1024, 128),
    ...(vpcId ? { vpcId } : {}),
    natGateways: positiveInt('natGateways', text(context('natGateways')), 1, 0),
    cacheNodeType: text(context('cacheNodeType')) ?? 'cache.t4g.micro',
    cacheEngine: oneOf(
      'cacheEngine',
      text(context('cacheEngine')),
      ['redis', 'valkey'] as const,
      'redis',
    ),
    invokeMode: oneOf(
      'invokeMode',
      text(context('invokeMode')),
      ['BUFFERED', 'RESPONSE_STREAM'] as const,
      'BUFFERED',
    ),
    edge,
    ...(webAclArn ? { webAclArn } : {}),
    ...customDomain(edge, text(context('domainName')), text(context('certificateArn'))),
    corsAllowedOrigins: list(context('corsAllowedOrigins')),
    upstreamEnvironment: record('upstreamEnvironment', context('upstreamEnvironment')),
    ...(concurrency !== undefined ? { reservedConcurrency: concurrency } : {}),
    vpcEndpoints: flag('vpcEndpoints', text(context('vpcEndpoints'))),
    ...(alarmEmail ? { alarmEmail } : {}),
    logLevel: oneOf('logLevel', text(context('logLevel')), GatewayLogLevels, 'INFO'),
    ...(rotationDays !== undefined
      ? { cacheAuthRotationDays: positiveInt('cacheAuthRotationDays', rotationDays, 30, 1) }
      : {}),
    tracing: oneOf('tracing', text(context('tracing')), ['active', 'off'] as const, 'off'),
    ...oidcSettings(text(context('oidcIssuer')), text(context('oidcClientId'))),
  };
};
