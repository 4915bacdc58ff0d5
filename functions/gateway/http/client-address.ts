import { isIP } from 'node:net';
import { oneOf, parseEnvironment, setting } from '../config/env-schema';
import { type Environment, EnvName } from '../config/environment-names';

/**
 * Whose word the gateway takes for the client's address, from `GATEWAY_CLIENT_ADDRESS`:
 * - `request-context` (the default): the address that connected to the Function URL. Right when
 *   clients call the URL directly; behind CloudFront it is the edge's address, not the client's.
 * - `cloudfront-viewer-address`: CloudFront's `CloudFront-Viewer-Address` header. Only safe when
 *   nothing but CloudFront can reach the URL (AWS_IAM auth with origin access control, as the
 *   stack's `edge=cloudfront` sets up): anyone else could write the header themselves. The same
 *   fact makes the viewer's `Authorization`, carried in `x-gateway-viewer-authorization` by the
 *   distribution's viewer-request function, trustworthy.
 */
export const ClientAddressSource = {
  requestContext: 'request-context',
  cloudFrontViewerAddress: 'cloudfront-viewer-address',
} as const;

export type ClientAddressSource = (typeof ClientAddressSource)[keyof typeof ClientAddressSource];

/** Headers only CloudFront may state; a direct call's copies are dropped. */
export const EdgeHeader = {
  /** `ip:port` of the viewer (IPv6 without brackets), added by CloudFront to the origin request. */
  viewerAddress: 'cloudfront-viewer-address',
  /** The viewer's `Authorization`, moved here by the viewer-request function before OAC signs. */
  viewerAuthorization: 'x-gateway-viewer-authorization',
  /** The viewer's Host, copied here by the same function (the origin request's Host is the URL's). */
  viewerHost: 'x-gateway-viewer-host',
} as const;

/**
 * Request headers that belong to origin access control's signature (CloudFront's, not the
 * viewer's): never forwarded upstream when the gateway sits behind CloudFront.
 */
export const OAC_SIGNING_HEADERS = ['x-amz-date', 'x-amz-security-token'] as const;

const clientAddressEnvironment = {
  [EnvName.GATEWAY_CLIENT_ADDRESS]: setting(
    oneOf(EnvName.GATEWAY_CLIENT_ADDRESS, [
      ClientAddressSource.requestContext,
      ClientAddressSource.cloudFrontViewerAddress,
    ]),
    ClientAddressSource.requestContext,
  ),
};

/** `GATEWAY_CLIENT_ADDRESS` (set by the stack); throws on a value it does not know. */
export const clientAddressFromEnv = (env: Environment = process.env): ClientAddressSource =>
  parseEnvironment(clientAddressEnvironment, env).GATEWAY_CLIENT_ADDRESS;

const PORT = /^[0-9]{1,5}$/;

/**
 * The address in a `CloudFront-Viewer-Address` value (`198.51.100.10:46532`,
 * `2001:db8::1:46532`), or undefined when it is not one. Were the header ever repeated, the last
 * value is the one CloudFront added.
 */
export const viewerAddress = (value: string | undefined): string | undefined => {
  if (!value) return undefined;
  const last = value.slice(value.lastIndexOf(',') + 1).trim();
  const colon = last.lastIndexOf(':');
  if (colon <= 0 || !PORT.test(last.slice(colon + 1))) return undefined;
  const hostPart = last.slice(0, colon);
  // CloudFront writes IPv6 bare; the bracketed form is accepted in case that ever changes.
  const address =
    hostPart.startsWith('[') && hostPart.endsWith(']') ? hostPart.slice(1, -1) : hostPart;
  return isIP(address) === 0 ? undefined : address;
};
