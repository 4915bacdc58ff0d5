import { join } from 'node:path';
import { LOCAL_DEFAULTS } from './local-defaults';

type Env = Readonly<Record<string, string | undefined>>;

/** `GATEWAY_SESSIONS`: where `npm start` and `npm run session` keep sessions. */
export const SESSION_STORE_MODES = ['local', 'memory', 'aws'] as const;
export type SessionStoreMode = (typeof SESSION_STORE_MODES)[number];

/** The sessions folder under the project, ignored by git. */
export const DEFAULT_DATA_DIR = join(__dirname, '..', '.gateway-data');

/**
 * Where sessions live, and why, from explicit settings only. Ambient AWS settings (`AWS_REGION`,
 * `AWS_PROFILE`: set on most AWS users' machines) never choose real AWS: a quick start against
 * an account without the secret would answer 401 everywhere.
 * - `endpoint`: `DYNAMODB_ENDPOINT` names a store; one on this machine gets local region and
 *   credentials by default (a local store checks neither, the SDK needs both).
 * - `aws`: `GATEWAY_SESSIONS=aws`, the SDK's own region and credential chain.
 * - `dynalite`: the embedded store, kept in `GATEWAY_DATA_DIR` (default `.gateway-data/`) so
 *   sessions survive a restart (`local`, the default), or in memory (`memory`).
 */
export type SessionStoreChoice =
  | {
      readonly kind: 'endpoint';
      readonly endpoint: string;
      readonly local: boolean;
      readonly why: string;
    }
  | { readonly kind: 'aws'; readonly why: string }
  | { readonly kind: 'dynalite'; readonly dataDir?: string; readonly why: string };

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '0.0.0.0', 'host.docker.internal']);

/** Whether an endpoint is on this machine (or the Docker host), where no real credentials belong. */
export const isLocalEndpoint = (endpoint: string): boolean => {
  try {
    const host = new URL(endpoint).hostname.toLowerCase();
    return LOCAL_HOSTS.has(host) || host.startsWith('127.') || host.endsWith('.localhost');
  } catch {
    return false;
  }
};

export const chooseSessionStore = (env: Env): SessionStoreChoice => {
  const mode = env.GATEWAY_SESSIONS?.trim() || undefined;
  if (mode !== undefined && !(SESSION_STORE_MODES as readonly string[]).includes(mode)) {
    throw new Error(
      `GATEWAY_SESSIONS must be one of ${SESSION_STORE_MODES.join(', ')}; got "${mode}"`,
    );
  }
  const endpoint = env.DYNAMODB_ENDPOINT?.trim();
  if (endpoint) {
    if (mode === 'local' || mode === 'memory') {
      throw new Error(
        `GATEWAY_SESSIONS=${mode} starts an embedded store, but DYNAMODB_ENDPOINT names another: unset one of them`,
      );
    }
    const local = mode !== 'aws' && isLocalEndpoint(endpoint);
    return {
      kind: 'endpoint',
      endpoint,
      local,
      why: local
        ? 'DYNAMODB_ENDPOINT is set, on this machine: local region and credentials unless set'
        : 'DYNAMODB_ENDPOINT is set',
    };
  }
  if (mode === 'aws') {
    return { kind: 'aws', why: "GATEWAY_SESSIONS=aws: the AWS SDK's region and credentials" };
  }
  if (mode === 'memory') {
    return { kind: 'dynalite', why: 'GATEWAY_SESSIONS=memory: sessions end with the process' };
  }
  const dataDir = env.GATEWAY_DATA_DIR?.trim() || DEFAULT_DATA_DIR;
  return {
    kind: 'dynalite',
    dataDir,
    why: `${mode ? 'GATEWAY_SESSIONS=local' : 'the default, GATEWAY_SESSIONS=local'}; GATEWAY_SESSIONS=memory forgets them on exit`,
  };
};

/**
 * Region and credentials for a store on this machine (it checks neither, the SDK needs both).
 * Keys set explicitly are kept; an ambient `AWS_PROFILE` is dropped for this process, since the
 * SDK prefers a profile to keys and a profile may need a login a local store has no use for.
 */
export const localAwsDefaults = (env: NodeJS.ProcessEnv): void => {
  env.AWS_REGION ??= 'local';
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return;
  env.AWS_ACCESS_KEY_ID = 'local';
  env.AWS_SECRET_ACCESS_KEY = 'local';
  delete env.AWS_PROFILE;
  delete env.AWS_DEFAULT_PROFILE;
};

/** The session secret to use, and where it came from. */
export const chooseSessionSecret = (
  env: Env,
  store: SessionStoreChoice,
): { readonly secret?: string; readonly source: string } => {
  if (env.SESSION_SECRET?.trim())
    return { secret: env.SESSION_SECRET, source: 'SESSION_SECRET, from the environment' };
  if (store.kind === 'dynalite' || (store.kind === 'endpoint' && store.local)) {
    return {
      secret: LOCAL_DEFAULTS.sessionSecret,
      source: 'the development secret (a local store; set SESSION_SECRET for another)',
    };
  }
  return { source: 'none: set SESSION_SECRET (every route with auth_required answers 401)' };
};
