import { RemovalPolicy } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface LoginSecretsProps {
  /** Keep the secrets when the stack is deleted (production): live sessions keep their tokens readable. @default false */
  readonly retain?: boolean;
}

/**
 * The OpenID Connect login's secrets, read once at init (`OIDC_CLIENT_SECRET_ARN`,
 * `OIDC_TOKEN_KEY_ARN`): the client secret, created with a placeholder the operator replaces with
 * the provider's value (`aws secretsmanager put-secret-value`), and the key that encrypts the
 * tokens kept in session records, generated here (64 characters; the AES key is derived from it).
 */
export class LoginSecrets extends Construct {
  readonly clientSecret: Secret;
  readonly tokenKey: Secret;

  constructor(scope: Construct, id: string, props: LoginSecretsProps = {}) {
    super(scope, id);
    const removalPolicy = props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.clientSecret = new Secret(this, 'ClientSecret', {
      description: 'The OpenID Connect client secret of the gateway: set it to the provider value',
      removalPolicy,
    });
    this.tokenKey = new Secret(this, 'TokenKey', {
      description: 'Encrypts the OpenID Connect tokens kept in gateway session records',
      removalPolicy,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
  }
}
