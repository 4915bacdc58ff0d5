import type { z } from 'zod';
import { routeLabel } from './route-label';
import { describeAccepted, fieldsAt, schemasAt } from './schema-shape';

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/** One problem: where (the path in the file) and what is wrong there. */
interface Finding {
  readonly path: Path;
  readonly message: string;
}

const valueAt = (root: unknown, path: Path): unknown =>
  path.reduce<unknown>(
    (value, key) =>
      typeof value === 'object' && value !== null
        ? (value as Record<PropertyKey, unknown>)[key]
        : undefined,
    root,
  );

const show = (value: unknown): string => {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/** Levenshtein distance, enough to catch a typo in a field name. */
const distance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length] as number;
};

const closest = (name: string, candidates: readonly string[]): string | undefined => {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const candidate of candidates) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
};

const TYPE_NAMES: Readonly<Record<string, string>> = {
  int: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object (fields below this one)',
  array: 'a list ([a, b])',
  record: 'a map (name: value)',
};

const bound = (issue: Issue & { code: 'too_small' | 'too_big' }): string => {
  const small = issue.code === 'too_small';
  const limit = small ? issue.minimum : issue.maximum;
  const inclusive = issue.inclusive !== false;
  if (issue.origin === 'array') {
    return small ? `needs at least ${limit} item(s)` : `takes at most ${limit} item(s)`;
  }
  if (issue.origin === 'string') {
    return small ? `must be at least ${limit} characters` : `must be at most ${limit} characters`;
  }
  if (small) return inclusive ? `must be at least ${limit}` : `must be more than ${limit}`;
  return inclusive ? `must be at most ${limit}` : `must be less than ${limit}`;
};

/**
 * The findings for one zod issue, in words a config author can act on: the value found, the
 * values or fields accepted, a suggestion for a mistyped field. Walks union branches so that a
 * wrong field inside `rate_limit: {...}` is named as such rather than "invalid input".
 */
const findingsOf = (
  issue: Issue,
  base: Path,
  root: unknown,
  schema: z.core.$ZodType,
): Finding[] => {
  const path = [...base, ...issue.path];
  const value = valueAt(root, path);
  switch (issue.code) {
    case 'invalid_union': {
      const objectBranches = issue.errors.filter(
        (branch) =>
          !branch.some(
            (inner) =>
              inner.path.length === 0 &&
              (inner.code === 'invalid_type' || inner.code === 'invalid_value'),
          ),
      );
      const single = objectBranches[0];
      if (objectBranches.length === 1 && single) {
        return single.flatMap((inner) => findingsOf(inner, path, root, schema));
      }
      const accepted = schemasAt(schema, path).map(describeAccepted);
      if (value === true && accepted.includes('false')) {
        const settings = accepted.filter((option) => option !== 'false');
        return [
          {
            path,
            message: `true is not accepted: write the settings, ${settings.join(', or ')}, or false to turn it off`,
          },
        ];
      }
      return [{ path, message: `${show(value)} is not accepted: use ${accepted.join(', or ')}` }];
    }
    case 'invalid_value':
      return [
        {
          path,
          message: `${show(value)} is not one of ${issue.values.map((v) => (typeof v === 'string' ? v : show(v))).join(', ')}`,
        },
      ];
    case 'unrecognized_keys': {
      const { required, optional } = fieldsAt(schema, path);
      const known = [...required, ...optional];
      return issue.keys.map((key) => {
        const suggestion = closest(key, known);
        return {
          path: [...path, key],
          message: suggestion
            ? `unknown field; did you mean ${suggestion}?`
            : `unknown field (accepted: ${known.join(', ')})`,
        };
      });
    }
    case 'invalid_type': {
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      if (value === undefined) return [{ path, message: `is required (${expected})` }];
      return [{ path, message: `${show(value)} is not ${expected}` }];
    }
    case 'too_small':
    case 'too_big':
      return [{ path, message: `${bound(issue)} (got ${show(value)})` }];
    case 'invalid_format': {
      const message = issue.message.replace(/^Invalid string: /, '');
      return [{ path, message: `${message} (got ${show(value)})` }];
    }
    default:
      return [{ path, message: issue.message }];
  }
};

/** `routes[users].rate_limit.scope` for `['routes', 2, 'rate_limit', 'scope']`. */
export const formatPath = (path: Path, root: unknown): string => {
  const routes = valueAt(root, ['routes']);
  let out = '';
  path.forEach((key, i) => {
    if (typeof key === 'number') {
      const isRoute = i === 1 && path[0] === 'routes' && Array.isArray(routes);
      out = isRoute ? routeLabel(routes[key], key) : `${out}[${key}]`;
    } else {
      out = out ? `${out}.${String(key)}` : String(key);
    }
  });
  return out;
};

/**
 * Every zod issue as `path: message` lines. A misspelt field and the required field it was meant
 * to be are one mistake, so the "is required" line that the typo causes is left out.
 */
export const issueMessages = (
  issues: readonly Issue[],
  root: unknown,
  schema: z.core.$ZodType,
): string[] => {
  const findings = issues.flatMap((issue) => findingsOf(issue, [], root, schema));
  const suggested = new Set(
    findings.flatMap((finding) => {
      const match = /did you mean (\S+)\?$/.exec(finding.message);
      return match ? [formatPath([...finding.path.slice(0, -1), match[1] as string], root)] : [];
    }),
  );
  return findings
    .filter(
      (finding) =>
        !(
          finding.message.startsWith('is required') && suggested.has(formatPath(finding.path, root))
        ),
    )
    .map((finding) => {
      const where = formatPath(finding.path, root);
      return where ? `${where}: ${finding.message}` : finding.message;
    });
};
