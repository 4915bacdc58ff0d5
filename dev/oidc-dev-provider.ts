import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Provider, { type Configuration, type JWK, type KoaContextWithOIDC } from 'oidc-provider';
import { type Listening, listen } from './listen';

/** The demo users of the local provider: login = password, as the banner says. */
export const DEV_USERS: Readonly<
  Record<string, { readonly password: string; readonly name: string; readonly groups: string[] }>
> = {
  alice: { password: 'alice', name: 'Alice Reader', groups: ['readers'] },
  admin: { password: 'admin', name: 'Ada Admin', groups: ['admins'] },
};

export interface DevProviderOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The gateway origins allowed to receive the callback (`http://localhost:8080`). */
  readonly gatewayOrigins: readonly string[];
  /** Access token lifetime, seconds. @default 3600 */
  readonly accessTokenTtlSeconds?: number;
}

export interface DevProvider extends Listening {
  readonly issuer: string;
  /** Refresh token grants served so far (tests count them). */
  refreshes(): number;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const loginPage = (uid: string, problem?: string): string => `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Sign in (local provider)</title></head>
<body>
<h1>Sign in to the local gateway</h1>
<p>Demo users: alice / alice (reader), admin / admin (admin).</p>
${problem ? `<p role="alert">${escapeHtml(problem)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
  <label>Login <input name="login" autocomplete="username" autofocus></label>
  <label>Password <input name="password" type="password" autocomplete="current-password"></label>
  <button type="submit">Sign in</button>
</form>
</body></html>`;

const readForm = async (request: IncomingMessage): Promise<URLSearchParams> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 16_384) break;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
};

/**
 * A development OpenID provider (`oidc-provider`) on loopback for `npm start` and the tests: the
 * gateway's client registered with its callback and logout URLs, the demo users, an ordinary HTML
 * login form (inputs `login` and `password`) and no consent step for that client. Never for
 * production: users, keys and secrets are in memory and public.
 */
export const startDevProvider = async (options: DevProviderOptions): Promise<DevProvider> => {
  const server = createServer();
  const listening = await listen(server, options.port, '127.0.0.1');
  const port = new URL(listening.url).port;
  const issuer = `http://localhost:${port}`;
  let refreshCount = 0;

  const configuration: Configuration = {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: options.gatewayOrigins.map((origin) => `${origin}/auth/callback`),
        post_logout_redirect_uris: options.gatewayOrigins.map((origin) => `${origin}/`),
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    async findAccount(_ctx, id) {
      const user = DEV_USERS[id];
      if (!user) return undefined;
      return {
        accountId: id,
        claims: () => ({ sub: id, name: user.name, groups: user.groups }),
      };
    },
    claims: { openid: ['sub'], profile: ['name', 'groups'] },
    // The groups claim goes into the ID token, as Okta or Cognito put theirs.
    conformIdTokenClaims: false,
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // A fresh signing key per start: nothing signed by a previous run verifies.
    jwks: {
      keys: [
        {
          ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
            format: 'jwk',
          }),
          kid: randomBytes(8).toString('hex'),
          alg: 'RS256',
          use: 'sig',
        } as JWK,
      ],
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        // No "do you want to sign out" question: the gateway's logout already asked for it.
        logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
          // `logout=yes` is what the default page's "Yes" button sends.
          const confirmed = form.replace(
            '</form>',
            '<input type="hidden" name="logout" value="yes"/></form>',
          );
          ctx.body = `<!DOCTYPE html><html><body>${confirmed}<script>document.forms[0].submit()</script></body></html>`;
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: {
      AccessToken: options.accessTokenTtlSeconds ?? 3600,
      IdToken: 3600,
      RefreshToken: 24 * 3600,
      Grant: 24 * 3600,
      Session: 24 * 3600,
      Interaction: 600,
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // First-party client: no consent step; the grant covers what it asked for.
    async loadExistingGrant(ctx) {
      const oidc = ctx.oidc;
      const existing =
        oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(oidc.client?.clientId ?? '');
      if (existing) return oidc.provider.Grant.find(existing);
      if (!oidc.client || !oidc.session?.accountId) return undefined;
      const grant = new oidc.provider.Grant({
        clientId: oidc.client.clientId,
        accountId: oidc.session.accountId,
      });
      grant.addOIDCScope(String(oidc.params?.scope ?? 'openid'));
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, configuration);
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    if (ctx.oidc.params?.grant_type === 'refresh_token') refreshCount += 1;
  });
  const providerCallback = provider.callback();

  const interaction = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const details = await provider.interactionDetails(request, response);
    if (request.method === 'GET') {
      response
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
        .end(loginPage(details.uid));
      return;
    }
    const form = await readForm(request);
    const login = form.get('login') ?? '';
    const user = Object.hasOwn(DEV_USERS, login) ? DEV_USERS[login] : undefined;
    if (!user || user.password !== form.get('password')) {
      response
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
        .end(loginPage(details.uid, 'Unknown login or wrong password'));
      return;
    }
    await provider.interactionFinished(
      request,
      response,
      { login: { accountId: login } },
      { mergeWithLastSubmission: false },
    );
  };

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/interaction/')) {
      interaction(request, response).catch(() => {
        if (!response.headersSent) {
          response
            .writeHead(400, { 'content-type': 'text/plain' })
            .end('This sign-in expired; start again from the gateway.');
        }
      });
      return;
    }
    providerCallback(request, response);
  });

  return { ...listening, issuer, refreshes: () => refreshCount };
};
