import { routeLabel } from './route-label';

/**
 * The small structural check of a compiled route table at init: every field the gateway reads is
 * there with the right type. The full check (formats, ranges, cross-field rules, typo hints) ran
 * at `cdk synth`; this one only stops a table that is not what the synth wrote from becoming an
 * undefined deep inside a request.
 */

/** `list-or-map`: a list or an object (permissions; one rate limit or several). */
type Kind = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'string[]' | 'list-or-map';
/** A trailing `?` marks an optional field. */
type Shape = Readonly<Record<string, `${Kind}` | `${Kind}?` | `${Kind}|false` | `${Kind}|false?`>>;

const ROUTE: Shape = {
  id: 'string?',
  path: 'string',
  methods: 'string[]',
  upstream: 'string',
  strip_prefix: 'string?',
  auth_required: 'boolean',
  permissions: 'list-or-map',
  rate_limit: 'list-or-map|false?',
  cors: 'object|false?',
  csrf: 'boolean',
  stream: 'boolean',
  forward_session_cookie: 'boolean',
  timeout_ms: 'number',
  connect_timeout_ms: 'number',
  retries: 'number',
  max_body_bytes: 'number',
  allow_overlap: 'boolean',
  method_fallthrough: 'boolean',
  rewrite_location: 'boolean',
  login_redirect: 'boolean',
  forward_access_token: 'boolean',
};

const TOP: Shape = {
  routes: 'array',
  default_rate_limit: 'object?',
  sessions: 'object',
  roles: 'object',
  security_headers: 'object',
  logging: 'object',
  cors: 'object?',
  csrf: 'object',
  auth: 'object',
};

const SESSIONS: Shape = {
  cookie_name: 'string',
  cache_ttl_seconds: 'number',
  cache_max_entries: 'number',
  user_headers: 'object',
};

const OIDC: Shape = {
  issuer: 'string',
  client_id: 'string',
  scopes: 'string[]',
  user_id_claim: 'string',
  roles_claim: 'string?',
  role_mapping: 'object',
  default_roles: 'string[]',
  session_lifetime_seconds: 'number',
  prefix: 'string',
  clock_skew_seconds: 'number',
  public_url: 'string?',
  post_logout_redirect_path: 'string',
  rate_limit: 'object|false',
};

const RATE_LIMIT: Shape = {
  capacity: 'number',
  refill_per_second: 'number',
  scope: 'string',
  cost: 'number',
  on_error: 'string',
  mode: 'string',
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const matches = (value: unknown, kind: Kind): boolean => {
  switch (kind) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'list-or-map':
      return Array.isArray(value) || isObject(value);
    case 'string[]':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    default:
      return typeof value === kind;
  }
};

const checkShape = (value: unknown, shape: Shape, at: string, problems: string[]): void => {
  if (!isObject(value)) {
    problems.push(`${at}: expected an object`);
    return;
  }
  for (const [field, spec] of Object.entries(shape)) {
    const optional = spec.endsWith('?');
    const [kind, orFalse] = spec.replace(/\?$/, '').split('|') as [Kind, string | undefined];
    const found = value[field];
    if (found === undefined && optional) continue;
    if (orFalse && found === false) continue;
    if (!matches(found, kind)) {
      problems.push(
        `${at}.${field}: expected ${kind}${orFalse ? ' or false' : ''}, found ${found === undefined ? 'nothing' : JSON.stringify(found)}`,
      );
    }
  }
  for (const field of Object.keys(value)) {
    if (!(field in shape)) problems.push(`${at}.${field}: not a field of the route table`);
  }
};

const checkLimits = (value: unknown, at: string, problems: string[]): void => {
  if (value === undefined || value === false) return;
  for (const [index, limit] of (Array.isArray(value) ? value : [value]).entries()) {
    checkShape(limit, RATE_LIMIT, Array.isArray(value) ? `${at}[${index}]` : at, problems);
  }
};

/** Every structural problem of a compiled table's `config`, named by route and field. */
export const routeTableShapeProblems = (config: unknown): string[] => {
  const problems: string[] = [];
  checkShape(config, TOP, 'config', problems);
  if (!isObject(config)) return problems;
  const routes = Array.isArray(config.routes) ? config.routes : [];
  if (Array.isArray(config.routes) && routes.length === 0) problems.push('routes: none');
  routes.forEach((route, index) => {
    const label = routeLabel(route, index);
    checkShape(route, ROUTE, label, problems);
    if (isObject(route)) checkLimits(route.rate_limit, `${label}.rate_limit`, problems);
  });
  checkLimits(config.default_rate_limit, 'default_rate_limit', problems);
  if (isObject(config.sessions)) checkShape(config.sessions, SESSIONS, 'sessions', problems);
  const oidc = isObject(config.auth) ? config.auth.oidc : undefined;
  if (oidc !== undefined) {
    checkShape(oidc, OIDC, 'auth.oidc', problems);
    if (isObject(oidc)) checkLimits(oidc.rate_limit, 'auth.oidc.rate_limit', problems);
  }
  return problems;
};
