import type { Response } from 'express';
import { setNoStore, TOKEN_NO_STORE } from '../common/http-caching';

/** Our pages are never framed and load nothing (no clickjacking of a login or logout). */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'";

const escape = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The headers every login response carries, a redirect included. */
export function pageHeaders(response: Response): void {
  response.setHeader('Content-Security-Policy', PAGE_CSP);
  setNoStore(response, TOKEN_NO_STORE);
}

/** A login that cannot go back to its client: a page for the person, never a redirect. */
export function sendErrorPage(response: Response, status: number, message: string): void {
  pageHeaders(response);
  response
    .status(status)
    .type('html')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Login failed</title></head><body><h1>Login failed</h1><p role="alert" id="error">${escape(message)}</p></body></html>`,
    );
}

export function redirect(response: Response, location: string): void {
  pageHeaders(response);
  response.redirect(303, location);
}
