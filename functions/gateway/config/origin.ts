/**
 * Whether `value` is an origin exactly as browsers serialize it in `Origin`: `http(s)://host`
 * with an optional non-default port, lower case, no path or trailing slash. Anything else in a
 * list of origins could never match a request, so the config check refuses it. Wildcards are not
 * origins (`https://*.example.com` would parse as a host named `*`).
 */
export const isSerializedOrigin = (value: string): boolean => {
  try {
    const url = new URL(value);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      url.origin === value &&
      /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])$/.test(url.hostname)
    );
  } catch {
    return false;
  }
};
