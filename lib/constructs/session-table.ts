import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { SessionTable as Layout } from '../../functions/gateway/sessions/session-table';

export interface SessionTableProps {
  /** Keep the table when the stack is deleted (production stages). @default false */
  readonly retain?: boolean;
}

/**
 * The sessions table: on demand, key `sessionId`, TTL on `expiresAt` (the gateway checks expiry
 * itself too, since DynamoDB deletes late), point-in-time recovery, and the `byUser` index the
 * session command lists with.
 */
export class SessionTable extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string, props: SessionTableProps = {}) {
    super(scope, id);
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: Layout.partitionKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      timeToLiveAttribute: Layout.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryptionV2.awsManagedKey(),
      deletionProtection: props.retain ?? false,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      globalSecondaryIndexes: [
        {
          indexName: Layout.byUserIndex,
          partitionKey: { name: Layout.userAttribute, type: AttributeType.STRING },
          sortKey: { name: Layout.ttlAttribute, type: AttributeType.NUMBER },
        },
      ],
    });
  }
}
