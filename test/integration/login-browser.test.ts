import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { useNpmStart } from '../helpers/gateway-server';

/**
 * A real browser (Debian's chromium, driven by playwright-core) against `npm start`: the newcomer's
 * path from the banner's login URL through the local provider's form to the protected route, the
 * cookie flags as the browser stored them, and logout. `localhost`, not 127.0.0.1: Chromium keeps
 * `Secure` cookies on http://localhost only. `.ci/run` installs chromium, so CI always runs this.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
// In CI a missing browser is a failure, not a skip: `.ci/run` must have installed it.
const run = available || process.env.CI === 'true';
const PORT = 26_380;
const GATEWAY = `http://localhost:${PORT}`;

if (!run) {
  console.warn(
    `login-browser.test.ts skipped: no chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`,
  );
}

// Skipped only where no browser is installed; never in CI, which installs it.
(run ? describe : describe.skip)('Browser: sign in through npm start with chromium', () => {
  let browser: Browser;

  const gateway = useNpmStart(async (own) => {
    browser = own(await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] }));
    return {
      GATEWAY_PORT: String(PORT),
      DYNAMODB_PORT: String(PORT + 1),
      OIDC_PORT: String(PORT + 2),
      // The production cookie flags, which Chromium keeps on http://localhost.
      COOKIE_SECURE: 'true',
    };
  }, 60_000);

  it('prints the login URL, signs in through the form, follows a protected link and logs out', async () => {
    expect(gateway.output()).toContain(`${GATEWAY}/auth/login?return_to=/api/users/1`);
    const context = await browser.newContext();
    const page = await context.newPage();

    // A protected link without a session: on to the login form, and back after signing in.
    await page.goto(`${GATEWAY}/api/users/1`);
    await page.waitForSelector('input[name="login"]');
    await page.fill('input[name="login"]', 'alice');
    await page.fill('input[name="password"]', 'alice');
    await Promise.all([
      page.waitForURL(`${GATEWAY}/api/users/1`),
      page.click('button[type="submit"]'),
    ]);
    const answer = JSON.parse((await page.textContent('body')) ?? '{}') as Record<string, unknown>;
    expect(answer).toMatchObject({ id: '1', name: 'Demo User', seen_by: 'alice' });

    const cookies = await context.cookies(GATEWAY);
    const session = cookies.find((cookie) => cookie.name === 'session_token');
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    expect(
      cookies.some((cookie) => cookie.name === 'gateway_login' && cookie.path === '/auth/callback'),
    ).toBe(false);

    await page.goto(`${GATEWAY}/auth/userinfo`);
    expect(JSON.parse((await page.textContent('body')) ?? '{}')).toMatchObject({
      user_id: 'alice',
      roles: ['reader'],
    });

    // Logout: the gateway's session ends, then the provider's, and the browser comes back.
    await page.goto(`${GATEWAY}/auth/logout`);
    await page.waitForURL(`${GATEWAY}/`);
    const after = await context.cookies(GATEWAY);
    expect(after.some((cookie) => cookie.name === 'session_token')).toBe(false);

    // The protected link again: the login form, since both sessions are over.
    await page.goto(`${GATEWAY}/api/users/1`);
    await page.waitForSelector('input[name="login"]');
    expect(page.url()).toContain(`localhost:${PORT + 2}/interaction/`);
    await context.close();
  }, 60_000);
});
