import { rolesFrom, userIdFrom } from '../../../functions/gateway/auth/claims';
import { prefersHtml } from '../../../functions/gateway/auth/login-redirect';
import { safeReturnTo } from '../../../functions/gateway/auth/return-to';
import { SealedBox } from '../../../functions/gateway/auth/sealed-box';
import { scrub } from '../../../functions/gateway/observability/redaction';

describe('Login: return_to', () => {
  it.each([
    ['/api/users/1', '/api/users/1'],
    ['/a?b=c#d', '/a?b=c#d'],
    ['/', '/'],
    ['/caf%C3%A9', '/caf%C3%A9'],
  ])('keeps the same-origin path %s', (raw, kept) => {
    expect(safeReturnTo(raw)).toBe(kept);
  });

  it.each([
    '//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    'https://evil.example',
    'javascript:alert(1)',
    'evil.example',
    '%2F%2Fevil.example',
    '/%2F/evil.example',
    '/%5Cevil.example',
    '/%252F%252Fevil.example',
    '/%25252F%25252Fevil.example',
    '/\t/evil.example',
    '/%09/evil.example',
    '/%0d%0aSet-Cookie:x=1',
    '/%E0%A4%A',
    '',
    `/${'a'.repeat(3000)}`,
  ])('falls back to / for %s', (raw) => {
    expect(safeReturnTo(raw)).toBe('/');
  });

  it('falls back to / for anything but a string', () => {
    expect(safeReturnTo(undefined)).toBe('/');
    expect(safeReturnTo(null)).toBe('/');
  });
});

describe('Login: browser navigation', () => {
  it.each([
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
    ['text/html', true],
    ['application/json', false],
    ['*/*', false],
    [undefined, false],
    ['application/json, text/html;q=0.5', false],
    ['text/html;q=0', false],
  ])('Accept %s prefers HTML: %s', (accept, expected) => {
    expect(prefersHtml(accept)).toBe(expected);
  });
});

describe('Login: claims', () => {
  const config = {
    user_id_claim: 'sub',
    roles_claim: 'groups',
    role_mapping: { admins: ['admin'], readers: ['reader'] },
    default_roles: ['member'],
  };

  it('maps groups through role_mapping, dropping unmapped and inherited names', () => {
    expect(
      rolesFrom({ groups: ['readers', 'unknown', 'constructor', '__proto__'] }, config),
    ).toEqual(['member', 'reader']);
    expect(rolesFrom({ groups: 'admins' }, config)).toEqual(['admin', 'member']);
    expect(rolesFrom({}, config)).toEqual(['member']);
  });

  it('reads a dotted roles claim (Keycloak realm_access.roles)', () => {
    expect(
      rolesFrom(
        { realm_access: { roles: ['admins'] } },
        { ...config, roles_claim: 'realm_access.roles' },
      ),
    ).toEqual(['admin', 'member']);
  });

  it('refuses a user id that could not travel in a header', () => {
    expect(userIdFrom({ sub: 'alice' }, config)).toBe('alice');
    expect(userIdFrom({ sub: 42 }, config)).toBe('42');
    expect(userIdFrom({ sub: 'a,b' }, config)).toBeUndefined();
    expect(userIdFrom({ sub: 'a\r\nX-Evil: 1' }, config)).toBeUndefined();
    expect(userIdFrom({}, config)).toBeUndefined();
  });
});

describe('Login: sealed box', () => {
  const key = Buffer.from('k'.repeat(43));

  it('opens what it sealed, and nothing sealed for another purpose or altered', () => {
    const tokens = new SealedBox(key, 'tokens');
    const flow = new SealedBox(key, 'flow');
    const sealed = tokens.seal('secret text');

    expect(tokens.open(sealed)).toBe('secret text');
    expect(sealed).not.toContain('secret');
    expect(flow.open(sealed)).toBeUndefined();
    const altered = `${sealed.slice(0, 20)}${sealed[20] === 'A' ? 'B' : 'A'}${sealed.slice(21)}`;
    expect(tokens.open(altered)).toBeUndefined();
    expect(tokens.open('not base64url!')).toBeUndefined();
  });
});

describe('Login: what the logs keep of a callback', () => {
  it('scrubs code, state, nonce and the verifier from a logged query', () => {
    expect(scrub('code=abc&state=def&nonce=ghi&code_verifier=jkl&iss=https%3A%2F%2Fid')).toBe(
      'code=[REDACTED]&state=[REDACTED]&nonce=[REDACTED]&code_verifier=[REDACTED]&iss=https%3A%2F%2Fid',
    );
  });
});
