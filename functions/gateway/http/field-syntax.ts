/**
 * What the gateway accepts from a client before passing it on: the RFC 9110 grammar, narrowed
 * where the HTTP client (undici) is narrower, so that nothing undici refuses can reach it. undici
 * throws synchronously on such input inside `Dispatcher.request` (see
 * `node_modules/undici/lib/core/request.js`, `util.js`), which is how issue 11's defect 1 started.
 */

/**
 * `token` (RFC 9110 5.6.2): `!#$%&'*+-.^_`|~`, digits and letters. Checked on the name as sent:
 * undici checks the lower-cased name, and `toLowerCase` turns some non-ASCII letters into ASCII
 * ones (the Kelvin sign becomes `k`), which would let a spelling through that no other server
 * would read as the same name.
 */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * `field-value` (RFC 9110 5.5) without obs-text: visible ASCII, SP and HTAB. No CTL (CR, LF and
 * NUL above all: header injection), no DEL. obs-text (bytes 0x80-0xFF) is refused as well, though
 * RFC 9110 still lets a recipient keep it: the Function URL hands the gateway decoded strings, so the
 * bytes the client sent are unknown, and undici would write each character below U+0100 as one
 * Latin-1 byte (a UTF-8 `é` from the client arrives upstream as another byte sequence) and throw on
 * anything above. Refusing is the one answer that is the same for every client and upstream.
 * Leading and trailing whitespace is left alone: parsers strip it.
 */
const FIELD_VALUE = /^[\t\x20-\x7e]*$/;

/**
 * The request target sent upstream (`origin-form`, RFC 9112 3.2.1: `absolute-path [ "?" query ]`):
 * starts with `/`, then visible ASCII only. undici refuses anything outside U+0021-U+00FF; the
 * gateway also refuses obs-text (as above) and `#`, which starts a fragment and is never part of a
 * request target: servers disagree on whether to cut the path there or refuse it.
 */
const REQUEST_TARGET = /^\/[!"$-~]*$/;

/** A header field name the gateway can forward. */
export const isFieldName = (name: string): boolean => TOKEN.test(name);

/** A header field value the gateway can forward. */
export const isFieldValue = (value: string): boolean => FIELD_VALUE.test(value);

/** An upstream path and query the gateway can forward. */
export const isRequestTarget = (target: string): boolean => REQUEST_TARGET.test(target);
