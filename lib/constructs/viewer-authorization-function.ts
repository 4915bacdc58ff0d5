import {
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionRuntime,
} from 'aws-cdk-lib/aws-cloudfront';
import type { Construct } from 'constructs';
import { EdgeHeader } from '../../functions/gateway/http/client-address';

/**
 * The viewer-request code (cloudfront-js-2.0, kept to ES5 syntax). Origin access control signs every
 * origin request with SigV4 in `Authorization`, overwriting the viewer's (the `always-amz-auth`
 * signing that leaves it alone exists only for Lambda Web Function origins, not Function URLs), so
 * the viewer's header travels as `x-gateway-viewer-authorization`; the gateway restores it. A copy
 * the viewer sent itself is dropped first, so that header only ever holds what CloudFront moved.
 * The viewer's Host (the distribution's or custom domain; the origin request carries the function
 * URL's) travels the same way as `x-gateway-viewer-host`, for the gateway's same-origin check.
 * The names are the runtime's (`EdgeHeader`), so the two cannot drift apart.
 */
export const VIEWER_AUTHORIZATION_CODE = `function handler(event) {
  var headers = event.request.headers;
  delete headers['${EdgeHeader.viewerAuthorization}'];
  delete headers['${EdgeHeader.viewerHost}'];
  if (headers.host) {
    headers['${EdgeHeader.viewerHost}'] = { value: headers.host.value };
  }
  if (headers.authorization) {
    headers['${EdgeHeader.viewerAuthorization}'] = { value: headers.authorization.value };
    delete headers.authorization;
  }
  return event.request;
}`;

/** A CloudFront Function (viewer request) that carries the viewer's Authorization past OAC. */
export class ViewerAuthorizationFunction extends CloudFrontFunction {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      comment: "Moves the viewer's Authorization aside before origin access control signs",
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(VIEWER_AUTHORIZATION_CODE),
    });
  }
}
