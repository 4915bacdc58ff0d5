import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/**
 * The session-cookie signing secret, generated into Secrets Manager as `{"current": "..."}`. To
 * rotate it, write `{"current": "<new>", "previous": ["<old>"]}` and redeploy or recycle the
 * function; drop `previous` once the longest session has expired.
 */
export class SessionSecret extends Construct {
  readonly secret: Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: 'Signs the gateway session cookies (HMAC-SHA256)',
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'current',
        passwordLength: 64,
        excludePunctuation: true,
      },
    });
  }
}
