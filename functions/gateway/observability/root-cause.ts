/** The innermost error of a `cause` chain, as two flat log fields. */
export interface RootCause {
  /** Its message (the logger's redaction still applies). */
  cause?: string;
  /** Its `code` (`ECONNREFUSED`), else its name when more telling than `Error`. */
  cause_code?: string;
}

/**
 * Adapters wrap what actually went wrong (`SessionStoreError` around the SDK's error around a
 * socket error), so the line that reports a failure names the innermost one at its top level:
 * "Region is missing" or `ECONNREFUSED` is then what a reader sees first, not a nested field.
 */
export const rootCause = (error: unknown): RootCause => {
  let deepest: Record<string, unknown> | undefined;
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth += 1) {
    deepest = current as Record<string, unknown>;
    current = deepest.cause;
  }
  if (!deepest) return error === undefined ? {} : { cause: String(error) };
  const { message, code, name } = deepest;
  const codeText =
    typeof code === 'string' || typeof code === 'number'
      ? String(code)
      : typeof name === 'string' && name !== 'Error'
        ? name
        : undefined;
  return {
    ...(typeof message === 'string' && message !== '' ? { cause: message } : {}),
    ...(codeText ? { cause_code: codeText } : {}),
  };
};
