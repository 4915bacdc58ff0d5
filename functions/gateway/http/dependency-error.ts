/**
 * A dependency (DynamoDB, Redis, Secrets Manager...) could not answer. The adapter that failed names
 * itself, so logs, metrics and 503 reasons say which store it was (`redis_timeout`,
 * `dynamodb_throttled`) instead of the caller guessing.
 */
export class DependencyError<Failure extends string = string> extends Error {
  readonly dependency: string;
  readonly failure: Failure;

  constructor(
    dependency: string,
    failure: Failure,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DependencyError';
    this.dependency = dependency;
    this.failure = failure;
  }

  /** `<dependency>_<failure>`, the reason logs, metrics and error bodies carry. */
  get reason(): string {
    return `${this.dependency}_${this.failure}`;
  }
}
