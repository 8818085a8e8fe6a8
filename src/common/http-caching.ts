import { createHash } from 'node:crypto';
import { Header } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';

/** An answer that carries a token, a secret, a person's data or a failure: never stored (RFC 9111 §5.2.2.5). */
export const NO_STORE: Readonly<Record<string, string>> = { 'Cache-Control': 'no-store' };

/** What RFC 6749 §5.1 asks of a token endpoint's answers, older HTTP/1.0 caches included. */
export const TOKEN_NO_STORE: Readonly<Record<string, string>> = { ...NO_STORE, Pragma: 'no-cache' };

/** Marks a route's answers NO_STORE. */
export const NoStore = () => Header('Cache-Control', NO_STORE['Cache-Control']);

/** Sets NO_STORE (or TOKEN_NO_STORE) on a response written by hand. */
export function setNoStore(response: { setHeader(name: string, value: string): unknown }, headers = NO_STORE): void {
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
}

/** The strong entity tag of a document we serve (discovery, JWKS): a hash of its exact bytes. */
export function entityTag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url')}"`;
}

/** True when the request's If-None-Match names this entity tag, weakly or strongly, or is `*`. */
export function matchesEntityTag(headers: IncomingHttpHeaders, etag: string): boolean {
  const header = headers['if-none-match'];
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}
