import { SessionSigner } from '../../../functions/gateway/sessions/session-signer';

const CURRENT = 'current-secret-current-secret-current-secret';
const PREVIOUS = 'previous-secret-previous-secret-previous-secret';

describe('Sessions: SessionSigner', () => {
  it('signs <id>.<base64url HMAC-SHA256 of the id> and verifies it', () => {
    const signer = new SessionSigner([CURRENT]);
    const id = SessionSigner.newSessionId();

    const token = signer.sign(id);

    expect(token).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
    expect(signer.verify(token)).toEqual({ ok: true, sessionId: id });
  });

  it('matches an HMAC computed independently', () => {
    const { createHmac } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const id = 'abcdefghijklmnopqrstuvwxyz012345';

    const token = new SessionSigner([CURRENT]).sign(id);

    expect(token).toBe(`${id}.${createHmac('sha256', CURRENT).update(id).digest('base64url')}`);
  });

  it('refuses a signature made with another secret', () => {
    const token = new SessionSigner([PREVIOUS]).sign(SessionSigner.newSessionId());

    expect(new SessionSigner([CURRENT]).verify(token)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('accepts a previous secret during a rotation, and signs with the first', () => {
    const oldToken = new SessionSigner([PREVIOUS]).sign('session-id-0123456789');
    const rotating = new SessionSigner([CURRENT, PREVIOUS]);

    expect(rotating.verify(oldToken)).toEqual({ ok: true, sessionId: 'session-id-0123456789' });
    expect(new SessionSigner([CURRENT]).verify(rotating.sign('session-id-0123456789')).ok).toBe(
      true,
    );
  });

  it('follows a key ring: a rotation changes what it signs with and accepts, with the same signer', () => {
    let keys: readonly string[] = [PREVIOUS];
    const signer = new SessionSigner({ keys: () => keys });
    const before = signer.sign('session-id-0123456789');
    const signedWithCurrent = new SessionSigner([CURRENT]).sign('session-id-0123456789');
    expect(signer.verify(signedWithCurrent).ok).toBe(false);

    keys = [CURRENT, PREVIOUS];
    expect(signer.sign('session-id-0123456789')).toBe(signedWithCurrent);
    expect(signer.verify(before).ok).toBe(true);

    keys = [CURRENT];
    expect(signer.verify(before)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('keeps signing and verifying with the right key through more rotations than it caches keys for', () => {
    const { createHmac } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    let keys: readonly string[] = [CURRENT];
    const signer = new SessionSigner({ keys: () => keys });
    const id = 'session-id-0123456789';
    for (let rotation = 0; rotation < 40; rotation += 1) {
      const secret = `rotation-${rotation}-secret-rotation-secret-rotation`;
      const previous = keys[0] as string;
      keys = [secret, previous];

      const token = signer.sign(id);
      expect(token).toBe(`${id}.${createHmac('sha256', secret).update(id).digest('base64url')}`);
      expect(signer.verify(token).ok).toBe(true);
      expect(
        signer.verify(`${id}.${createHmac('sha256', previous).update(id).digest('base64url')}`).ok,
      ).toBe(true);
      // A key dropped from the ring is refused even though it was used (and cached) before.
      const dropped = new SessionSigner([CURRENT]).sign(id);
      expect(signer.verify(dropped).ok).toBe(rotation === 0);
    }
  });

  it('refuses a tampered id or signature', () => {
    const signer = new SessionSigner([CURRENT]);
    const token = signer.sign('session-id-0123456789');
    const [id, signature] = token.split('.') as [string, string];
    const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;

    expect(signer.verify(`${id}X.${signature}`)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(signer.verify(`${id}.${flipped}`)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('accepts only the canonical encoding: the three padding-bit variants of the last character are refused', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const signer = new SessionSigner([CURRENT]);
    for (let i = 0; i < 20; i += 1) {
      const token = signer.sign(SessionSigner.newSessionId());
      const last = alphabet.indexOf(token.slice(-1));
      // 43 chars carry 258 bits for 256: the last character's two low bits are padding, 0 when canonical.
      expect(last & 3).toBe(0);
      for (const padding of [1, 2, 3]) {
        const variant = `${token.slice(0, -1)}${alphabet[last | padding]}`;
        expect(Buffer.from(variant.split('.')[1] ?? '', 'base64url')).toEqual(
          Buffer.from(token.split('.')[1] ?? '', 'base64url'),
        );

        expect(signer.verify(variant)).toEqual({ ok: false, reason: 'malformed_token' });
      }
      expect(signer.verify(token).ok).toBe(true);
    }
  });

  it.each([
    ['no dot', 'abcdefghijklmnopqrstuvwxyz'],
    ['empty id', `.${'a'.repeat(43)}`],
    ['short id', `abc.${'a'.repeat(43)}`],
    ['short signature', 'abcdefghijklmnop.abc'],
    ['padding', `abcdefghijklmnop.${'a'.repeat(42)}=`],
    ['two dots', `abcdefghijklmnop.${'a'.repeat(43)}.x`],
    ['non-base64url', `abcdefghijklmnop.${'+'.repeat(43)}`],
    ['empty', ''],
  ])('refuses a malformed token (%s) before any HMAC', (_case, token) => {
    expect(new SessionSigner([CURRENT]).verify(token)).toEqual({
      ok: false,
      reason: 'malformed_token',
    });
  });

  it('refuses secrets shorter than 32 characters', () => {
    expect(() => new SessionSigner(['short'])).toThrow('at least 32 characters');
    expect(() => new SessionSigner([])).toThrow('at least one secret');
  });
});
