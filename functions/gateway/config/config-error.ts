/** The route table is unusable; the message names the file, then each route and field. */
export class ConfigError extends Error {
  readonly source: string;
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`Invalid gateway config ${source} (${count}):\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.source = source;
    this.problems = problems;
  }
}
