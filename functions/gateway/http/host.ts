/** A host as a Host header carries it: a name or a bracketed IPv6 address, optional port. */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

export const isHost = (value: string): boolean => value.length <= 260 && HOST.test(value);
