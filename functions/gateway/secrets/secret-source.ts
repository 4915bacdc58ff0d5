/**
 * Where a secret's current value comes from. The Redis wiring asks it again when Redis rejects the
 * AUTH token after a rotation; Secrets Manager in the stack, the environment locally.
 */
export interface SecretSource {
  /** Names the secret and where it lives, for logs and errors (never the value). */
  readonly description: string;
  /** The value as the source holds it now. Rejects with a message that never contains a value. */
  read(): Promise<string>;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * A secret held in an environment variable (local runs, `sam local invoke`), read at each call, so
 * a test or a wrapper that changes the variable is seen.
 */
export const envSecretSource = (name: string, env: Env = process.env): SecretSource => ({
  description: `environment variable ${name}`,
  read: async () => {
    const value = env[name];
    if (!value) throw new Error(`The environment variable ${name} is not set`);
    return value;
  },
});
