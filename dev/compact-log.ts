/**
 * `npm start` on a terminal: each JSON log entry the gateway writes becomes one short line. The
 * gateway itself still writes exactly what it writes on Lambda; only this local printer differs,
 * and `POWERTOOLS_DEV=false` (or output that is not a terminal) shows the JSON itself.
 */

type Entry = Record<string, unknown>;

/** Keys every entry carries, or that the short line shows in its own place. */
const SHOWN_ELSEWHERE = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'sampling_rate',
  'xray_trace_id',
  'correlation_id',
  'route',
  'user_id',
  'method',
  'path',
  'status',
  'latency_ms',
]);

/** Detail a request line leaves to the JSON: sizes, timings inside the total, `auth` (see `reason`). */
const REQUEST_DETAIL = new Set(['bytes_in', 'bytes_out', 'upstream_ms', 'auth']);

const time = (timestamp: unknown): string => {
  const date = typeof timestamp === 'string' ? new Date(timestamp) : new Date();
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(11, 23);
};

const flat = (value: unknown): string => {
  if (typeof value === 'string') return /\s/.test(value) ? JSON.stringify(value) : value;
  if (value instanceof Object && 'message' in value) {
    const { name, message } = value as { name?: unknown; message?: unknown };
    return JSON.stringify(`${typeof name === 'string' ? `${name}: ` : ''}${String(message)}`);
  }
  return JSON.stringify(value);
};

const fields = (entry: Entry): string =>
  Object.entries(entry)
    .filter(
      ([key, value]) =>
        !SHOWN_ELSEWHERE.has(key) &&
        !(entry.message === 'request' && REQUEST_DETAIL.has(key)) &&
        value !== undefined &&
        value !== null,
    )
    .map(([key, value]) => `${key}=${flat(value)}`)
    .join(' ');

/** One entry as one line; undefined for what is not a gateway log entry (left as it is). */
export const compactLine = (text: string): string | undefined => {
  let entry: Entry;
  try {
    entry = JSON.parse(text) as Entry;
  } catch {
    return undefined;
  }
  if (typeof entry !== 'object' || entry === null || typeof entry.message !== 'string') {
    return undefined;
  }
  const tail = [
    entry.route !== undefined ? `route=${flat(entry.route)}` : '',
    entry.user_id !== undefined ? `user=${flat(entry.user_id)}` : '',
    fields(entry),
    entry.correlation_id !== undefined ? `cid=${flat(entry.correlation_id)}` : '',
    entry.cold_start === true ? '(cold start)' : '',
  ]
    .filter((part) => part !== '')
    .join(' ');
  if (entry.message === 'request') {
    const head = `${entry.method ?? '-'} ${entry.path ?? '-'} ${entry.status ?? '-'} ${entry.latency_ms ?? '-'}ms`;
    return `${time(entry.timestamp)} ${head} ${tail}`.trimEnd();
  }
  return `${time(entry.timestamp)} ${String(entry.level ?? 'INFO')} ${entry.message} ${tail}`.trimEnd();
};

/**
 * Rewrites what `stream` is given, line by line: gateway entries short, the rest untouched. A
 * partial line waits for its end (one entry may arrive in several writes).
 */
export const compactStream = (stream: NodeJS.WriteStream): void => {
  const write = stream.write.bind(stream) as (chunk: string) => boolean;
  let pending = '';
  const replacement = (chunk: unknown, ...rest: unknown[]): boolean => {
    pending +=
      typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    const out = lines.map((line) => compactLine(line) ?? line).join('\n');
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    const written = lines.length > 0 ? write(`${out}\n`) : true;
    callback?.();
    return written;
  };
  stream.write = replacement as typeof stream.write;
};
