import type { Request, Response } from 'express';
import type { SignedToken } from '../keys/token-signer';

const ISSUED_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

/** True when the client prefers JSON: an Accept header naming application/json before text/plain. */
function wantsJson(request: Request): boolean {
  return !!request.headers.accept?.includes('json') && request.accepts(['text/plain', 'application/json']) === 'application/json';
}

/**
 * An issued token as the platform's clients expect it: the bare JWT as text/plain by default, or
 * the RFC 8693 JSON shape on `Accept: application/json`. Never cached.
 */
export function sendToken(request: Request, response: Response, signed: SignedToken): void {
  const json = wantsJson(request);
  const body = json
    ? JSON.stringify({ access_token: signed.token, token_type: 'Bearer', expires_in: signed.expiresIn, issued_token_type: ISSUED_TOKEN_TYPE })
    : signed.token;
  // Written directly: on the hot path Express' send() adds freshness and charset work we do not need.
  response.writeHead(200, {
    'Content-Type': json ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
  });
  response.end(body);
}
