import type { Response } from 'express';

export { readCookie } from '../common/cookies';

/** The browser's session with us, and its pending upstream login; values are random, stored hashed. */
export const SESSION_COOKIE = 'platform_session';
export const TRANSACTION_COOKIE = 'platform_login';
export const LOGOUT_COOKIE = 'platform_logout';

export interface CookieOptions {
  secure: boolean;
  domain?: string;
  path?: string;
  maxAgeSeconds?: number;
}

/** HttpOnly, SameSite=Lax (it must come along on the top-level redirect back from ID-porten), Secure on https. */
export function setCookie(response: Response, name: string, value: string, options: CookieOptions): void {
  response.cookie(name, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secure,
    domain: options.domain,
    path: options.path ?? '/',
    maxAge: options.maxAgeSeconds === undefined ? undefined : options.maxAgeSeconds * 1000,
    encode: String,
  });
}

export function clearCookie(response: Response, name: string, options: CookieOptions): void {
  response.clearCookie(name, {
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secure,
    domain: options.domain,
    path: options.path ?? '/',
  });
}
