import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { only, ROOT, synthStack } from './synth';

const { template } = synthStack('sam');

const envJson = JSON.parse(readFileSync(join(ROOT, 'events', 'env.json'), 'utf8')) as {
  Parameters: Record<string, string>;
};
const declared = (
  only(template, 'AWS::Lambda::Function').Properties.Environment as {
    Variables: Record<string, unknown>;
  }
).Variables;

// Lambda refuses these in a function's environment; SAM sets them itself.
const RESERVED = /^(AWS_|_HANDLER$|LAMBDA_|_X_AMZN)/;

describe('Infra: sam local invoke --env-vars events/env.json', () => {
  it('declares every variable env.json sets (SAM overrides only declared ones)', () => {
    const keys = Object.keys(envJson.Parameters).sort();
    expect(keys.filter((key) => RESERVED.test(key))).toEqual([]);
    expect(keys.filter((key) => !(key in declared))).toEqual([]);
    expect(keys).toEqual(
      expect.arrayContaining(['SESSION_SECRET', 'DYNAMODB_ENDPOINT', 'DEMO_UPSTREAM_URL']),
    );
  });

  it('declares the local-only ones empty, which the code reads as unset', () => {
    expect(declared).toMatchObject({
      SESSION_SECRET: '',
      DYNAMODB_ENDPOINT: '',
      DEMO_UPSTREAM_URL: '',
    });
  });
});
