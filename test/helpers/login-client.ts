import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RawResponse, send } from './http-request';

/** A free loopback port (the gateway's must be known before the provider registers its URLs). */
export const freePort = async (): Promise<number> => {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
};

/** One `Set-Cookie` as a browser reads it. */
export interface SetCookie {
  readonly name: string;
  readonly value: string;
  readonly attributes: ReadonlyMap<string, string>;
}

export const parseSetCookie = (header: string): SetCookie => {
  const [pair = '', ...rest] = header.split(';');
  const eq = pair.indexOf('=');
  const attributes = new Map<string, string>();
  for (const part of rest) {
    const [key = '', ...value] = part.trim().split('=');
    attributes.set(key.toLowerCase(), value.join('='));
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attributes };
};

export const setCookiesOf = (response: RawResponse): SetCookie[] => {
  const raw = response.headers['set-cookie'];
  return (Array.isArray(raw) ? raw : raw ? [raw] : []).map(parseSetCookie);
};

/**
 * A minimal browser: cookies per host:port and path prefix (enough for a gateway and a provider on
 * loopback), requests sent to 127.0.0.1 with the `Host` the URL names (`localhost:<port>`).
 */
export class Browser {
  readonly #cookies = new Map<string, { value: string; path: string }>();

  #key(url: URL, name: string, path: string): string {
    return `${url.host}|${path}|${name}`;
  }

  set(url: string, name: string, value: string, path = '/'): void {
    this.#cookies.set(this.#key(new URL(url), name, path), { value, path });
  }

  cookie(url: string, name: string): string | undefined {
    const target = new URL(url);
    for (const [key, cookie] of this.#cookies) {
      const [host, , cookieName] = key.split('|');
      if (host === target.host && cookieName === name && target.pathname.startsWith(cookie.path)) {
        return cookie.value;
      }
    }
    return undefined;
  }

  async request(
    url: string,
    options: {
      method?: string;
      headers?: Record<string, string>;
      form?: Record<string, string>;
    } = {},
  ): Promise<RawResponse> {
    const target = new URL(url);
    const pairs: string[] = [];
    for (const [key, cookie] of this.#cookies) {
      const [host, , name] = key.split('|');
      if (host === target.host && target.pathname.startsWith(cookie.path)) {
        pairs.push(`${name}=${cookie.value}`);
      }
    }
    const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
    const response = await send(`http://127.0.0.1:${target.port}`, {
      method: options.method ?? (body ? 'POST' : 'GET'),
      path: `${target.pathname}${target.search}`,
      headers: {
        host: target.host,
        ...(pairs.length > 0 ? { cookie: pairs.join('; ') } : {}),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...options.headers,
      },
      ...(body ? { body } : {}),
    });
    for (const cookie of setCookiesOf(response)) {
      const path = cookie.attributes.get('path') || '/';
      const key = this.#key(target, cookie.name, path);
      if (cookie.attributes.get('max-age') === '0' || cookie.value === '')
        this.#cookies.delete(key);
      else this.#cookies.set(key, { value: cookie.value, path });
    }
    return response;
  }
}

export const locationOf = (response: RawResponse, base: string): string => {
  const location = response.headers.location;
  if (!location)
    throw new Error(`no Location on a ${response.status}: ${response.body.toString()}`);
  return new URL(location, base).toString();
};

/**
 * The provider's part of a sign-in, from its authorization URL to the gateway's callback URL:
 * the login form (inputs `login` and `password`) posted as a browser would.
 */
export const signInAtProvider = async (
  browser: Browser,
  authorizationUrl: string,
  login: string,
  password: string,
): Promise<string> => {
  let response = await browser.request(authorizationUrl);
  let url = locationOf(response, authorizationUrl);
  response = await browser.request(url);
  const page = response.body.toString();
  if (!page.includes('name="login"') || !page.includes('name="password"')) {
    throw new Error(`not the login form: ${page.slice(0, 200)}`);
  }
  const action = /action="([^"]+)"/.exec(page)?.[1];
  if (!action) throw new Error('login form without action');
  response = await browser.request(new URL(action, url).toString(), { form: { login, password } });
  url = locationOf(response, url);
  // Back through the authorization endpoint, which now redirects to the gateway's callback.
  for (let hop = 0; hop < 5; hop += 1) {
    if (url.includes('/auth/callback')) return url;
    response = await browser.request(url);
    url = locationOf(response, url);
  }
  throw new Error(`the provider never sent the browser back: ${url}`);
};
