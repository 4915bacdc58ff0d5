/**
 * Lambda's limits the gateway designs around, in one place for the runtime, `npm start` and the
 * CDK app. Dependency-free on purpose: `lib/` imports it (see docs/architecture.md).
 */

/**
 * A Function URL's invocation payload limit, each way: a larger request is refused before the
 * function runs, and a larger buffered response fails the invocation.
 */
export const FUNCTION_URL_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;
