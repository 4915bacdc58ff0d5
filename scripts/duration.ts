const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Parses `90`, `90s`, `30m`, `8h` or `7d` into seconds. */
export const parseDurationSeconds = (text: string): number => {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * (UNITS[match[2] || 's'] ?? 1) : Number.NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new Error(`Invalid duration "${text}": use a number with s, m, h or d (e.g. 8h)`);
  }
  return seconds;
};
