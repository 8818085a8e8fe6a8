import type { Request, Response } from 'express';
import { TokenTypeUri } from '../../common/oauth';
import type { SignedToken } from '../../keys/token-signer';
import { TOKEN_NO_STORE } from '../../common/http-caching';

const ISSUED_TOKEN_TYPE = TokenTypeUri.jwt;

/** True when the client prefers JSON: an Accept header naming application/json before text/plain. */
function wantsJson(request: Request): boolean {
  return !!request.headers.accept?.includes('json') && request.accepts(['text/plain', 'application/json']) === 'application/json';
}

/** The RFC 8693 §2.2.1 response body. */
function tokenJson(signed: SignedToken, issuedTokenType: string): string {
  return JSON.stringify({
    access_token: signed.token,
    token_type: 'Bearer',
    expires_in: signed.expiresIn,
    issued_token_type: issuedTokenType,
  });
}

// Written directly: on the hot path Express' send() adds freshness and charset work we do not need.
function write(response: Response, contentType: string, body: string): void {
  response.writeHead(200, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    ...TOKEN_NO_STORE,
  });
  response.end(body);
}

/**
 * An issued token as the platform's clients expect it: the bare JWT as text/plain by default, or
 * the RFC 8693 JSON shape on `Accept: application/json`. Never cached.
 */
export function sendToken(request: Request, response: Response, signed: SignedToken): void {
  if (wantsJson(request)) write(response, 'application/json; charset=utf-8', tokenJson(signed, ISSUED_TOKEN_TYPE));
  else write(response, 'text/plain; charset=utf-8', signed.token);
}

/** The standard token endpoint's answer: always the RFC 8693 JSON form. Never cached. */
export function sendTokenJson(response: Response, signed: SignedToken, issuedTokenType: string): void {
  write(response, 'application/json; charset=utf-8', tokenJson(signed, issuedTokenType));
}
