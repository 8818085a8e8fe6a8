import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'expect';
import * as oidc from 'openid-client';
import type { RunningApp } from './app';
import { json } from './test-idp-client';

/** A relying party of test ID-porten's code flow, over plain HTTP. */
export const ID = '/test-idp/idporten';
/** Never listened on: the tests read the redirect, they do not follow it. */
export const CALLBACK = 'http://127.0.0.1:9/callback';

export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  client_name: string;
  redirect_uris: string[];
  token_endpoint_auth_method: string;
}

export async function register(
  running: RunningApp,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<RegisteredClient> {
  const response = await json(running, 'POST', `${ID}/clients`, body, headers);
  expect(response.status).toBe(201);
  return (await response.json()) as RegisteredClient;
}

/** The hidden fields and the chosen values of the login page's form, as a browser would post them. */
export function formOf(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[match[1]] = match[2].replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
  }
  return fields;
}

/** Drives the login step over HTTP: open the authorization URL, post the form, return where it redirects. */
export async function logIn(
  authorizationUrl: URL,
  person: Record<string, string> = {},
): Promise<{ status: number; location: string | null; html: string }> {
  const page = await fetch(authorizationUrl, { redirect: 'manual' });
  if (page.status !== 200) return { status: page.status, location: page.headers.get('location'), html: await page.text() };
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  expect(page.headers.get('cache-control')).toBe('no-store');
  const html = await page.text();
  const form = { ...formOf(html), pid: '19108000239', acr: 'idporten-loa-high', amr: 'BankID', ...person };
  const posted = await fetch(new URL('authorize', authorizationUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: posted.status, location: posted.headers.get('location'), html: await posted.text() };
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function tokenRequest(running: RunningApp, form: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${running.url}${ID}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

export const basic = (client: RegisteredClient) => ({
  authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
});

/**
 * An authorization request as openid-client builds it: PKCE S256 with a fresh verifier, a fresh
 * state and nonce, scope openid; `extra` adds or overrides parameters (`acr_values`).
 */
export async function authorizationRequest(
  config: oidc.Configuration,
  redirectUri: string,
  extra: Record<string, string> = {},
): Promise<{ url: URL; verifier: string; state: string; nonce: string }> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url, verifier, state, nonce };
}
