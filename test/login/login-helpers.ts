import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'expect';
import { DataSource } from 'typeorm';
import { AdminContext, AdminRequest, executeAdminRequest } from '../../src/admin/admin-request';
import { clientsProgram } from '../../src/cli/clients.command';
import { failureOf } from '../../src/cli/run-cli';
import { KeyEncryption } from '../../src/keys/key-encryption';
import { keyTimings } from '../../src/keys/key-schedule';
import { SigningKeyRepository } from '../../src/keys/signing-key.repository';
import { RunningApp, testSettings } from '../helpers/app';
import { formOf } from '../helpers/code-flow-client';
import { runCommand } from '../helpers/spawn';

export const PID = '19108000239';

/** A relying party's redirect target on loopback: answers every request with a small page. */
export async function relyingParty(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><title>app</title><p>back at the app</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface ClientJson {
  client_id: string;
  client_secret?: string;
  client_name: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  token_endpoint_auth_method: string;
}

/** What a clients command run beside `running` ended with: its exit code, the one JSON line it printed, its errors. */
export interface ClientsRun {
  code: number | null;
  json?: Record<string, unknown>;
  stderr: string;
}

/** The environment a clients command beside `running` gets: the service's database, nothing else of the test's. */
function clientsEnv(running: RunningApp): Record<string, string | undefined> {
  return { NODE_ENV: 'test', LOG_LEVEL: 'silent', TEST_IDP_ENABLED: 'false', ...running.database.env };
}

function clientsRun({ code, stdout, stderr }: { code: number | null; stdout: string; stderr: string }): ClientsRun {
  const last = stdout.trim().split('\n').pop() ?? '';
  return { code, json: last.startsWith('{') ? (JSON.parse(last) as Record<string, unknown>) : undefined, stderr };
}

/** `npm run clients -- ...` beside the running service, on its database, as the process an operator runs. */
export async function clientsCli(running: RunningApp, args: string[]): Promise<ClientsRun> {
  return clientsRun(await runCommand(['clients', ...args], clientsEnv(running)));
}

/**
 * A clients command as the running service answers it when a CLI sends it (the admin request
 * handler on the service's own data source), its outcome turned into an exit code and output as
 * the CLI does. The CLI's arguments and its route to the service are shown by clientsCli.
 */
export async function clientsInService(running: RunningApp, request: AdminRequest): Promise<ClientsRun> {
  const dataSource = running.app.get(DataSource);
  const settings = testSettings();
  const context: AdminContext = {
    dataSource,
    keys: running.app.get(SigningKeyRepository),
    encryption: () => running.app.get(KeyEncryption),
    timings: keyTimings(settings.keys, settings.token),
    now: () => running.clock.now(),
    httpsRedirectUrisOnly: settings.login.httpsRedirectUrisOnly,
  };
  try {
    const { lines } = await executeAdminRequest(context, request);
    return clientsRun({ code: 0, stdout: lines.join('\n'), stderr: '' });
  } catch (error) {
    const { code, message } = failureOf(error, clientsProgram.usage);
    return { code, stderr: `${message}\n` };
  }
}

/** A browser over plain HTTP: follows nothing, keeps cookies per name. */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(url: string | URL, headers: Record<string, string> = {}): Promise<Response> {
    const response = await fetch(url, { redirect: 'manual', headers: { ...headers, cookie: this.header() } });
    this.take(response);
    return response;
  }
}

/**
 * Logs in over HTTP from an /authorize (or /authentication?goto=) URL: our redirect to test
 * ID-porten, its form posted as a person would, the callback with the browser's cookies (and
 * `callbackHeaders`, a traceparent). Returns the final redirect of our callback.
 */
export async function loginOverHttp(
  jar: CookieJar,
  start: string | URL,
  person: Record<string, string> = {},
  callbackAt: (callback: string) => string = (callback) => callback,
  callbackHeaders: Record<string, string> = {},
): Promise<Response> {
  const first = await jar.get(start);
  expect(first.status).toBe(303);
  const upstream = new URL(first.headers.get('location') as string);
  expect(upstream.pathname).toBe('/test-idp/idporten/authorize');
  const page = await fetch(upstream, { redirect: 'manual' });
  expect(page.status).toBe(200);
  const form = { ...formOf(await page.text()), pid: PID, acr: 'idporten-loa-high', amr: 'BankID', ...person };
  const posted = await fetch(new URL('authorize', upstream), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  expect(posted.status).toBe(303);
  return jar.get(callbackAt(posted.headers.get('location') as string), callbackHeaders);
}
