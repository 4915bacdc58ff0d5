import type { GatewayMiddleware, GatewayRequest } from '../chain/request-state';
import {
  type ClientAddressSource,
  EdgeHeader,
  OAC_SIGNING_HEADERS,
  ClientAddressSource as Source,
  viewerAddress,
} from '../http/client-address';
import { Header } from '../http/header-names';
import { isHost } from '../http/host';
import type { FunctionUrlEvent } from '../http/types';

export interface EdgeViewerOptions {
  /** @default 'request-context' */
  readonly clientAddress?: ClientAddressSource;
}

const forwardedForEndingWith = (
  existing: string | undefined,
  edgeAddress: string,
  client: string,
): string => {
  const entries = (existing ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  // The Function URL appended the edge's address; the hop that matters is the viewer's.
  if (entries.at(-1) === edgeAddress) entries.pop();
  if (entries.at(-1) !== client) entries.push(client);
  return entries.join(', ');
};

/** The event as CloudFront's viewer sent it: its address, and its own Authorization header. */
const restoreViewer = (event: FunctionUrlEvent, headers: Record<string, string | undefined>) => {
  const http = event.requestContext.http;
  const client = viewerAddress(headers[EdgeHeader.viewerAddress]);
  if (client) {
    headers[Header.forwardedFor] = forwardedForEndingWith(
      headers[Header.forwardedFor],
      http.sourceIp,
      client,
    );
    http.sourceIp = client;
  }
  // Authorization here is origin access control's SigV4 signature, never the viewer's.
  const viewerAuthorization = headers[EdgeHeader.viewerAuthorization];
  if (viewerAuthorization === undefined) delete headers.authorization;
  else headers.authorization = viewerAuthorization;
  for (const name of OAC_SIGNING_HEADERS) delete headers[name];
};

/**
 * Establishes who the client is before anything reads it, by rewriting the event once, first in
 * the chain: the rate limiter's `ip` scope, X-Forwarded-For and the upstream's `Authorization`
 * then need no knowledge of the edge.
 *
 * Behind CloudFront (`cloudfront-viewer-address`), the client's address comes from
 * `CloudFront-Viewer-Address` (else the request context's, the edge's, is kept) and the viewer's
 * `Authorization` from `x-gateway-viewer-authorization`, and the host it addressed from
 * `x-gateway-viewer-host` (for the CSRF check). Otherwise these headers are a client's
 * claim and are dropped unread, so a direct call can neither pick its rate-limit bucket nor
 * forge a header the edge would vouch for.
 */
export const edgeViewer = (options: EdgeViewerOptions = {}): GatewayMiddleware => {
  const behindCloudFront = options.clientAddress === Source.cloudFrontViewerAddress;

  const edgeViewerBefore = (request: GatewayRequest): void => {
    const headers = request.event.headers;
    if (!headers) return;
    if (behindCloudFront) {
      restoreViewer(request.event, headers);
      const viewerHost = headers[EdgeHeader.viewerHost];
      if (request.context.gateway && viewerHost && isHost(viewerHost)) {
        request.context.gateway.viewerHost = viewerHost.toLowerCase();
      }
    }
    delete headers[EdgeHeader.viewerAddress];
    delete headers[EdgeHeader.viewerAuthorization];
    delete headers[EdgeHeader.viewerHost];
  };

  return { before: edgeViewerBefore };
};
