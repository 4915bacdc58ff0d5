/**
 * The verdict lines every benchmark prints (`stats.ts`'s `verdict`, and the cold-start bench's own
 * line in the same shape): `name: value (target op limit): met|not met`.
 */
export interface Verdict {
  readonly name: string;
  /** As printed, unit included: `0.83x`, `0.21 ms`, `1`. */
  readonly value: string;
  readonly op: string;
  readonly limit: string;
  readonly met: boolean;
}

const LINE =
  /^\s*(.+): (\S+(?: ms| MB)?) \(target (<=|>=|<|>|=) ([^)]+)\): (met|not met|missed)\s*$/;

export const parseVerdicts = (output: string): Verdict[] =>
  output.split('\n').flatMap((line) => {
    const match = LINE.exec(line);
    if (!match) return [];
    const [, name = '', value = '', op = '', limit = '', outcome = ''] = match;
    return [{ name, value, op, limit, met: outcome === 'met' }];
  });
