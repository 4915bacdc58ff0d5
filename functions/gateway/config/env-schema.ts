import * as z from 'zod/mini';
import type { Environment } from './environment-names';

/**
 * Zod schemas for environment settings, each refusing a bad value with a message that names the
 * variable, what it accepts and what it got, e.g.
 * `DYNAMODB_TIMEOUT_MS must be a whole number of milliseconds between 1 and 60000, got "abc"`.
 * `zod/mini`: this runs in the Lambda bundle, where the full zod's size shows in the cold start.
 * An empty or blank value means unset (the stack declares some variables empty for `sam local`).
 */

const quoted = (input: unknown): string => JSON.stringify(String(input).slice(0, 64));

/** Blank text is unset; everything else is trimmed. */
const unsetIfBlank = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
};

/** A string setting checked by `accepts`; `described` completes "<NAME> must be ...". */
const checkedText = (name: string, described: string, accepts: (value: string) => boolean) =>
  z.string().check(
    z.refine(accepts, {
      error: (issue) => `${name} must be ${described}, got ${quoted(issue.input)}`,
    }),
  );

const WHOLE = /^[0-9]+$/;

/** A whole number within `[min, max]`, written in `unit` (for the message). */
export const wholeNumber = (
  name: string,
  range: { readonly min: number; readonly max: number; readonly unit?: string },
) => {
  const what = range.unit ? `a whole number of ${range.unit}` : 'a whole number';
  return z.pipe(
    checkedText(name, `${what} between ${range.min} and ${range.max}`, (text) => {
      if (!WHOLE.test(text)) return false;
      const number = Number(text);
      return number >= range.min && number <= range.max;
    }),
    z.transform(Number),
  );
};

/** `true`/`1` or `false`/`0`; anything else is refused rather than read as false. */
export const flag = (name: string) =>
  z.pipe(
    checkedText(name, 'true or false', (text) => /^(true|false|1|0)$/i.test(text)),
    z.transform((text) => /^(true|1)$/i.test(text)),
  );

/** One of a fixed set of words. */
export const oneOf = <const T extends readonly [string, ...string[]]>(name: string, values: T) =>
  z.pipe(
    checkedText(name, `one of ${values.join(', ')}`, (text) => values.includes(text)),
    z.transform((text) => text as T[number]),
  );

/** Free text (a table name, an endpoint), kept as given once trimmed. */
export const text = () => z.string();

const DOMAIN = /^\.?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$/;

/** A DNS name, with an optional leading dot (`.example.com`, as cookies allow). */
export const domainName = (name: string) =>
  checkedText(name, 'a domain name', (value) => DOMAIN.test(value));

/**
 * A URL with one of `protocols` (`redis:`), parsed. The message never repeats the value: a
 * connection URL may carry a password.
 */
export const url = (name: string, protocols: readonly string[]) =>
  z.pipe(
    z.string().check(
      z.refine((value) => protocols.includes(URL.parse(value)?.protocol ?? ''), {
        error: `${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`,
      }),
    ),
    z.transform((value) => new URL(value)),
  );

/** The setting `schema` reads, or `fallback` when the variable is unset or blank. */
export const setting = <Out>(schema: z.ZodMiniType<Out, string>, fallback: NoInfer<Out>) =>
  z.pipe(z.transform(unsetIfBlank), z._default(schema, fallback as never) as z.ZodMiniType<Out>);

/** The setting `schema` reads, or `undefined` when the variable is unset or blank. */
export const optionalSetting = <Out>(schema: z.ZodMiniType<Out, string>) =>
  z.pipe(z.transform(unsetIfBlank), z.optional(schema));

/** A bad environment setting; the message names each variable that is wrong. */
export class EnvironmentSettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentSettingError';
  }
}

/**
 * Reads the settings `shape` describes from `env`, all at once: every wrong variable is reported
 * in one message (a deploy with two typos fails once, not twice).
 */
export const parseEnvironment = <Shape extends z.core.$ZodLooseShape>(
  shape: Shape,
  env: Environment,
): z.infer<z.ZodMiniObject<Shape>> => {
  const result = z.object(shape).safeParse(env);
  if (result.success) return result.data;
  throw new EnvironmentSettingError(result.error.issues.map((issue) => issue.message).join('; '));
};
