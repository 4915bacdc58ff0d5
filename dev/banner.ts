import type { GatewayConfig } from '../functions/gateway/config/schema';
import { examplePath, protectedExample, routeLines, sessionArgumentsFor } from './route-hints';

export interface BannerFacts {
  readonly url: string;
  readonly configPath: string;
  readonly config: GatewayConfig;
  /** Where sessions live, and why that store was chosen. */
  readonly sessions: string;
  readonly secret: string;
  readonly rateLimits: string;
  readonly demoUpstream?: string;
  readonly logs: string;
  /** Settings `npm run session` needs to reach the same store (`DYNAMODB_PORT=8001`). */
  readonly sessionEnv: readonly string[];
  /** The OpenID provider sign-in goes through, when the route table has `auth.oidc`. */
  readonly login?: string;
}

/** What `npm start` prints once it listens: every line made from what it actually serves. */
export const banner = (facts: BannerFacts): string => {
  const { config, url } = facts;
  const cookie = config.sessions.cookie_name;
  const tries = config.routes
    .filter((route) => !route.auth_required)
    .map((route) => `  curl -i${route.stream ? 'N' : ''} ${url}${examplePath(route)}`);
  const guarded = protectedExample(config);
  const loginHint =
    facts.login && guarded
      ? [
          `  open ${url.replace('127.0.0.1', 'localhost')}${config.auth.oidc?.prefix ?? '/auth'}/login?return_to=${examplePath(guarded)} in a browser (alice / alice)`,
        ]
      : [];
  const sessionHint = guarded
    ? [
        `  curl -i ${url}${examplePath(guarded)}   # 401: route ${guarded.id ?? guarded.path} needs a session`,
        `  COOKIE=$(${[...facts.sessionEnv, 'npm run -s session --', 'create', sessionArgumentsFor(guarded, config.roles), '--quiet'].join(' ')})`,
        `  curl -i --cookie "${cookie}=$COOKIE" ${url}${examplePath(guarded)}`,
      ]
    : [];
  return `
The gateway is listening on ${url}
  routes:       ${facts.configPath} (${config.routes.length})
  sessions:     ${facts.sessions}
  secret:       ${facts.secret}
  rate limits:  ${facts.rateLimits}
${facts.login ? `  login:        ${facts.login}\n` : ''}${facts.demoUpstream ? `  demo:         ${facts.demoUpstream}\n` : ''}  logs:         ${facts.logs}

Routes:
${routeLines(config)
  .map((line) => `  ${line}`)
  .join('\n')}

Try:
${[...loginHint, ...tries, ...sessionHint, `  curl -i ${url}/health/ready`, `  curl ${url}/metrics   # Prometheus text format`].join('\n')}
Press Ctrl-C to stop.
`;
};
