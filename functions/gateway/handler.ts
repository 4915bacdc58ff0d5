import { wireGatewayFromEnv } from './wiring';

/**
 * The Lambda entry point. Wiring runs once per container (cold start): a bad route table fails the
 * init with a message naming the route and field, instead of failing every request.
 */
export const handler = wireGatewayFromEnv();
