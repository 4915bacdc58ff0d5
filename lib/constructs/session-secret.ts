import { RemovalPolicy } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/**
 * The session-cookie signing secret, generated into Secrets Manager as `{"current": "..."}`. To
 * rotate it, write `{"current": "<new>", "previous": ["<old>"]}` and redeploy or recycle the
 * function; drop `previous` once the longest session has expired.
 */
export interface SessionSecretProps {
  /** Keep the secret when the stack is deleted (production stages): live cookies stay verifiable. @default false */
  readonly retain?: boolean;
}

export class SessionSecret extends Construct {
  readonly secret: Secret;

  constructor(scope: Construct, id: string, props: SessionSecretProps = {}) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: 'Signs the gateway session cookies (HMAC-SHA256)',
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'current',
        passwordLength: 64,
        excludePunctuation: true,
      },
    });
  }
}
