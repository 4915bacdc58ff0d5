/**
 * The architecture as rules (docs/architecture.md explains each layer and why). `npm test` runs
 * `npm run lint:deps`, which fails on any import across a forbidden boundary;
 * test/unit/architecture/dependency-rules.test.ts shows each rule catching a violation.
 *
 * functions/gateway/ from the bottom up:
 *   base     http/, observability/           HTTP primitives, errors, deadlines, logger, metrics
 *   config   config/                         the route table's schema and its messages
 *   domain   routing/ sessions/ secrets/ ratelimit/ health/ policy/
 *   chain    chain/                          the per-request state the middlewares share
 *   edges    middleware/ proxy/ auth/ loader/
 *   root     create-gateway.ts wiring.ts handler.ts
 * A layer imports only layers below it (and itself).
 */
const G = '^functions/gateway/';
const BASE = `${G}(http|observability)/`;
const CONFIG = `${G}config/`;
const DOMAIN = `${G}(routing|sessions|secrets|ratelimit|health|policy)/`;
const CHAIN = `${G}chain/`;
const EDGES = `${G}(middleware|proxy|auth|loader)/`;
const ROOT = `${G}[^/]+[.]ts$`;
/**
 * Names and limits the runtime and the CDK app share: the only runtime modules infra may import
 * besides the route table's.
 */
const SHARED = `${G}(http/limits|observability/metric-names)[.]ts$`;

const forbid = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to });

module.exports = {
  forbidden: [
    forbid(
      'no-circular',
      'A cycle makes two modules one: neither can be understood, tested or loaded alone. Type-only imports are erased at build and load nothing, so a type shared back (a schema and its checks) is not one.',
      {},
      { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    ),
    forbid(
      'base-imports-nothing-above',
      'http/ and observability/ are the base every other part builds on. They may read their environment settings through config/environment-names.ts and config/env-schema.ts, which import nothing of the gateway (only zod/mini), so every setting is parsed and named one way.',
      { path: BASE },
      {
        path: `${G}(config|routing|sessions|secrets|ratelimit|health|policy|chain|middleware|proxy|auth|loader)/|${ROOT}`,
        pathNot: `${CONFIG}(environment-names|env-schema)[.]ts$`,
      },
    ),
    forbid(
      'environment-modules-import-nothing',
      'config/environment-names.ts and config/env-schema.ts are read by every layer (the base included) and by the stack: they import nothing of the gateway but each other.',
      { path: `${CONFIG}(environment-names|env-schema)[.]ts$` },
      { path: G, pathNot: `${CONFIG}environment-names[.]ts$` },
    ),
    forbid(
      'config-imports-only-base',
      'config/ is the schema of the route table: data, not behaviour of the layers above it.',
      { path: CONFIG },
      {
        path: `${G}(routing|sessions|secrets|ratelimit|health|policy|chain|middleware|proxy|auth|loader)/|${ROOT}`,
      },
    ),
    forbid(
      'domain-imports-no-chain-or-edges',
      'The domain (routing, sessions, secrets, rate limiting, health, policy) knows nothing of the middy chain that uses it.',
      { path: DOMAIN },
      { path: `${CHAIN}|${EDGES}|${ROOT}` },
    ),
    forbid(
      'chain-imports-no-edges',
      'The per-request state is shared by the edges; it cannot depend on one of them.',
      { path: CHAIN },
      { path: `${EDGES}|${ROOT}` },
    ),
    forbid(
      'edges-import-no-root',
      'Middlewares, the proxy, the login and the loader are composed by the root, never the reverse.',
      { path: EDGES },
      { path: ROOT },
    ),
    forbid(
      'functions-are-self-contained',
      'Lambda code never reaches into the local tools, scripts, tests, benchmarks or infrastructure.',
      { path: '^functions/' },
      { path: '^(dev|scripts|test|bench|lib|bin)/' },
    ),
    forbid(
      'functions-are-independent',
      'The gateway and the AUTH token rotation function are separate deployments.',
      { path: '^functions/cache-auth-rotation/' },
      { path: '^functions/gateway/' },
    ),
    forbid(
      'gateway-is-not-the-rotation-function',
      'The gateway and the AUTH token rotation function are separate deployments.',
      { path: '^functions/gateway/' },
      { path: '^functions/cache-auth-rotation/' },
    ),
    forbid(
      'infra-reads-only-the-route-table',
      'The stack imports the route table loader and schema (so a bad table fails cdk synth), and the shared names and limits (so its dashboard, alarms and settings cannot drift from the runtime), and nothing else of the runtime.',
      { path: '^(lib|bin)/' },
      {
        path: '^functions/',
        pathNot: `^functions/gateway/((config|loader|routing|http)/|sessions/session-table[.]ts$)|${SHARED}`,
      },
    ),
    forbid(
      'shared-names-import-nothing',
      'The shared names and limits are imported by the CDK app and by every layer: they must load nothing (no Powertools, no other module).',
      { path: SHARED },
      { path: '.' },
    ),
    forbid(
      'dynalite-only-for-local-stores',
      'The embedded DynamoDB-compatible store is for npm start and tests; nothing else may load it.',
      { pathNot: '^(dev/(local-dynamodb|persistent-dynalite)[.]ts|test/)' },
      { path: 'node_modules/dynalite/' },
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(cdk[.]out|node_modules|coverage|[.]bench-build|[.]soak-build)/' },
  },
};
