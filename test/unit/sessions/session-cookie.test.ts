import { cookiesWithout, readCookie } from '../../../functions/gateway/sessions/session-cookie';
import { functionUrlEvent } from '../../helpers/function-url-event';

describe('Sessions: readCookie', () => {
  it('reads from the Function URL cookies array', () => {
    expect(
      readCookie(functionUrlEvent({ cookies: ['a=1', 'session_token=abc.def'] }), 'session_token'),
    ).toBe('abc.def');
  });

  it('reads from a Cookie header alike', () => {
    const event = functionUrlEvent({ headers: { cookie: 'a=1; session_token=abc.def; b=2' } });

    expect(readCookie(event, 'session_token')).toBe('abc.def');
  });

  it('takes the first of duplicates, as browsers send the most specific first', () => {
    expect(
      readCookie(
        functionUrlEvent({ cookies: ['session_token=host', 'session_token=parent'] }),
        'session_token',
      ),
    ).toBe('host');
  });

  it('strips the quotes of a quoted value', () => {
    expect(
      readCookie(functionUrlEvent({ cookies: ['session_token="abc.def"'] }), 'session_token'),
    ).toBe('abc.def');
  });

  it('keeps = inside a value and ignores pairs without a name', () => {
    expect(readCookie(functionUrlEvent({ cookies: ['=x', 'junk', 'k=a=b'] }), 'k')).toBe('a=b');
  });

  it('does not confuse a cookie whose name contains the name', () => {
    expect(
      readCookie(functionUrlEvent({ cookies: ['my_session_token=x'] }), 'session_token'),
    ).toBeUndefined();
  });
});

describe('Sessions: cookiesWithout', () => {
  it('removes every copy of the named cookie and keeps the rest as sent', () => {
    const event = functionUrlEvent({
      cookies: ['a=1', 'session_token=x', 'b="q"', 'session_token=y'],
    });

    expect(cookiesWithout(event, 'session_token')).toEqual(['a=1', 'b="q"']);
  });
});

describe('Sessions: cookies of hand-made events', () => {
  it('ignores cookies that are not strings instead of failing', () => {
    const event = functionUrlEvent({ path: '/x' });
    (event as unknown as { cookies: unknown }).cookies = [7, { a: 1 }, 'session_token=abc'];
    (event.headers as Record<string, unknown>).cookie = 42;

    expect(readCookie(event, 'session_token')).toBe('abc');
  });
});
