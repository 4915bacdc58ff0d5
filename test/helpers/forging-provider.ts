import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { type Listening, listen } from '../../dev/listen';

export type Claims = Record<string, unknown>;

/** Signs a JWT (RS256) as a provider would; tests forge the claims they need. */
const signJwt = (privateKey: KeyObject, kid: string, claims: Claims): string => {
  const encode = (part: object): string => Buffer.from(JSON.stringify(part)).toString('base64url');
  const input = `${encode({ alg: 'RS256', kid, typ: 'JWT' })}.${encode(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
};

/**
 * An OpenID provider whose token endpoint answers with whatever ID token the test composes: the
 * discovery document and keys are real, so everything the client checks is checked for real.
 * `idToken(defaults)` receives the claims a correct token would have (issuer, audience, the
 * nonce of the authorization request...) and returns the ones to sign.
 */
export const startForgingProvider = async (
  clientId: string,
): Promise<
  Listening & {
    issuer: string;
    forge: (compose: (correct: Claims) => Claims) => void;
    /** Sign the next tokens with a key the provider does not publish (same `kid`). */
    signWithUnpublishedKey: (unpublished: boolean) => void;
    tokenRequests: () => number;
  }
> => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = 'forging-key';
  const unpublished = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  let useUnpublished = false;
  let compose: (correct: Claims) => Claims = (correct) => correct;
  let nonce = '';
  let tokenRequests = 0;
  const server = createServer();
  const listening = await listen(server, 0, '127.0.0.1');
  const issuer = `http://localhost:${new URL(listening.url).port}`;
  server.on('request', async (request, response) => {
    const url = new URL(request.url ?? '/', issuer);
    const json = (body: unknown): void => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      json({
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
      });
    } else if (url.pathname === '/jwks') {
      json({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] });
    } else if (url.pathname === '/authorize') {
      // The test reads state and nonce from this URL; remember the nonce for the token.
      nonce = url.searchParams.get('nonce') ?? '';
      response.writeHead(400).end();
    } else if (url.pathname === '/token') {
      tokenRequests += 1;
      for await (const _chunk of request) {
        // drain the form body
      }
      const now = Math.floor(Date.now() / 1000);
      const correct: Claims = {
        iss: issuer,
        aud: clientId,
        sub: 'mallory',
        iat: now,
        exp: now + 300,
        nonce,
      };
      json({
        access_token: 'forged-access-token',
        token_type: 'Bearer',
        expires_in: 300,
        id_token: signJwt(useUnpublished ? unpublished : privateKey, kid, compose(correct)),
      });
    } else {
      response.writeHead(404).end();
    }
  });
  return {
    ...listening,
    issuer,
    forge: (next) => {
      compose = next;
    },
    signWithUnpublishedKey: (next) => {
      useUnpublished = next;
    },
    tokenRequests: () => tokenRequests,
  };
};
