import type { Response } from 'express';
import { ACR_VALUES } from '../../common/acr';
import { isPid, PID_DIGITS } from '../../common/identifiers';

/**
 * The code flow's form posts to us and we redirect to the client: Chrome checks CSP form-action on
 * that redirect too, so the page allows the origin of the request's (registered) redirect_uri.
 */
export function allowFormRedirectTo(response: Response, redirectUri: string): void {
  const csp = response.getHeader('Content-Security-Policy');
  const origin = new URL(redirectUri).origin;
  if (typeof csp !== 'string' || !/^https?:\/\/[a-z0-9.\-[\]:]+$/i.test(origin)) return;
  response.setHeader('Content-Security-Policy', csp.replace("form-action 'self'", `form-action 'self' ${origin}`));
}

/** Escapes text for HTML; the page shows tokens and what a person typed. */
function escape(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `*{box-sizing:border-box}body{font-family:system-ui,sans-serif;font-size:1rem;line-height:1.4;max-width:52rem;margin:1rem auto;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.5rem}label{display:block;margin:.8rem 0 .2rem}
input,select{font-size:1rem;padding:.5rem;width:100%;max-width:22rem;min-height:2.75rem}
button{font-size:1rem;margin-top:1rem;padding:.6rem 1.2rem;min-height:2.75rem}
pre{background:#f4f4f4;padding:1rem;white-space:pre-wrap;word-break:break-all;overflow-wrap:anywhere}
[role=alert]{color:#a00000}`;

const HEAD = (title: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>${title}</title><style>${STYLE}</style></head>`;

/** What a login issues unless the person or the client chooses another level. */
export const DEFAULT_ACR = 'idporten-loa-substantial';
/** Every level the exchange accepts, the default first. */
export const LEVELS: readonly string[] = [DEFAULT_ACR, ...ACR_VALUES.filter((acr) => acr !== DEFAULT_ACR)];
export const METHODS = ['Minid-PIN', 'BankID', 'Buypass', 'Commfides'] as const;
export const DEFAULT_PID = '19108000239';

/** What a person chose; shown again as typed when the page answers with an error. */
export interface LoginValues {
  pid?: string;
  acr?: string;
  amr?: string;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** What the form posted, as typed, to show again with an error. */
export const typedLoginValues = (body: Record<string, unknown>): LoginValues => ({
  pid: text(body.pid)?.trim(),
  acr: text(body.acr),
  amr: text(body.amr),
});

/** Null when the choice is acceptable; else what to tell the person. */
export function loginRefusal(choice: LoginValues): string | null {
  if (!isPid(choice.pid)) return `The person identifier must be ${PID_DIGITS} digits.`;
  if (!LEVELS.includes(choice.acr ?? '')) return 'Choose one of the listed levels.';
  if (!(METHODS as readonly string[]).includes(choice.amr ?? '')) return 'Choose one of the listed methods.';
  return null;
}

export interface LoginFormOptions {
  /** Where the form posts: `login` (show the token) or `authorize` (the code flow). */
  action: 'login' | 'authorize';
  error?: string;
  values?: LoginValues;
  /** The authorization request, carried through the form and checked again on the post. */
  hidden?: Record<string, string>;
  /** For the code flow: who asks, shown to the person. */
  clientName?: string;
  /** A password field for TEST_IDP_ADMIN_TOKEN, when one is set. */
  askAdminToken?: boolean;
}

function options(choices: readonly string[], selected: string | undefined): string {
  return choices.map((c) => `<option${c === selected ? ' selected' : ''}>${escape(c)}</option>`).join('');
}

/** The login form: a person picks a pid, a level and a method. No external assets; fits a phone. */
export function loginForm(options_: LoginFormOptions): string {
  const values = options_.values ?? {};
  const hidden = Object.entries(options_.hidden ?? {})
    .map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`)
    .join('');
  return `${HEAD('Test ID-porten login')}
<body><h1>Test ID-porten</h1><p>A local stand-in for ID-porten. Never use it in production.</p>
${options_.clientName ? `<p>Log in to <strong>${escape(options_.clientName)}</strong>.</p>` : ''}
${options_.error ? `<p role="alert" id="error"><strong>${escape(options_.error)}</strong></p>` : ''}
<form method="post" action="${options_.action}">${hidden}
<label for="pid">Person identifier (${PID_DIGITS} digits)</label><input id="pid" name="pid" value="${escape(values.pid ?? DEFAULT_PID)}" inputmode="numeric" autocomplete="off" pattern="\\d{${PID_DIGITS}}" maxlength="${PID_DIGITS}" required>
<label for="acr">Level</label><select id="acr" name="acr">${options(LEVELS, values.acr)}</select>
<label for="amr">Method</label><select id="amr" name="amr">${options(METHODS, values.amr)}</select>
${options_.askAdminToken ? '<label for="admin_token">Test IdP admin token</label><input id="admin_token" name="admin_token" type="password" autocomplete="off" required>' : ''}
<button type="submit">Log in</button></form></body></html>`;
}

/** A request the page cannot send back to its client (unknown client, unregistered redirect_uri). */
export function errorPage(message: string): string {
  return `${HEAD('Test ID-porten: error')}<body><h1>Test ID-porten</h1><p role="alert" id="error"><strong>${escape(message)}</strong></p></body></html>`;
}

/** The issued token, and one click to exchange it at the platform and see our token's claims. */
export function loginResult(token: string, exchangeUrl: string): string {
  const claims = JSON.stringify(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')), null, 2);
  return `${HEAD('Logged in')}
<body><h1>ID-porten token</h1><pre id="token">${escape(token)}</pre><h2>Its claims</h2><pre>${escape(claims)}</pre>
<button id="exchange" type="button" data-exchange-url="${escape(exchangeUrl)}">Exchange for a platform token</button><h2>Platform token claims</h2><pre id="result">(not exchanged yet)</pre>
<script src="login.js"></script></body></html>`;
}

/** The page's script, served from our origin so the Content-Security-Policy needs no inline code. */
export const LOGIN_SCRIPT = `document.getElementById('exchange').addEventListener('click', async (event) => {
  const out = document.getElementById('result');
  const token = document.getElementById('token').textContent;
  const response = await fetch(event.target.dataset.exchangeUrl, { headers: { authorization: 'Bearer ' + token } });
  const text = await response.text();
  if (!response.ok) { out.textContent = response.status + ' ' + text; return; }
  const part = text.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  const json = new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0)));
  out.textContent = JSON.stringify(JSON.parse(json), null, 2);
});
`;
