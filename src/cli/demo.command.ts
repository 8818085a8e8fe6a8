import { randomBytes } from 'node:crypto';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { CommandError, UsageError } from '../common/cli';
import { ROUTES, TEST_IDP_PATHS } from '../common/routes';
import type { Settings } from '../config';
import type { CliOutput, CliProgram } from './run-cli';

const USAGE = `usage: npm run demo -- [base URL]     (default ${'http://127.0.0.1:$PORT'}, PORT from the environment or .env)
       npm run demo -- --help

Runs the seed's flow against a running service with the test IdP on, and prints every step and the
raw tokens: register a scope, grant it to 974760673 (brg), create a client, register a new key for it,
get a Maskinporten token with a JWT-bearer grant, exchange it; then the same for an ID-porten person;
then a system user: register a system of 974760673 with the client, create a system user for
991825827 (digdir) on it, get its token (authorization_details in the grant) and exchange it; then,
with login on, the URL of a page that runs the login round trip in a browser and shows the tokens.
A rerun reuses the scope and the client (it replaces the client's key). Sends TEST_IDP_ADMIN_TOKEN
as a Bearer token when it is set.`;

const SCOPE = 'altinn:instances/metadata.read';
const ORG = '974760673';
const CLIENT_NAME = 'altinnOrgRead';
const PERSON = '19108000239';
/** Digitaliseringsdirektoratet: the customer of the demo's system user. */
const CUSTOMER = '991825827';

/** Talks to the running service; turns "nothing listens there" into advice. */
class DemoService {
  readonly mp: string;

  constructor(
    readonly root: string,
    private readonly admin: Record<string, string>,
  ) {
    this.mp = `${root}/${ROUTES.testIdpMaskinporten}`;
  }

  async call<T>(
    method: string,
    url: string,
    options: { body?: unknown; form?: boolean; admin?: boolean; headers?: Record<string, string>; allow?: number[] } = {},
  ): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = { ...(options.admin === false ? {} : this.admin), ...options.headers };
    if (options.body !== undefined) headers['content-type'] = options.form ? 'application/x-www-form-urlencoded' : 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body:
          options.body === undefined
            ? undefined
            : options.form
              ? new URLSearchParams(options.body as Record<string, string>).toString()
              : JSON.stringify(options.body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw this.unreachable(error);
    }
    const text = await response.text();
    if (!response.ok && !(options.allow ?? []).includes(response.status))
      throw new CommandError(`${method} ${url} answered ${response.status}: ${text}`);
    const body = (text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text) as T;
    return { status: response.status, body };
  }

  private unreachable(error: unknown): CommandError {
    const cause = error instanceof Error ? ((error.cause as NodeJS.ErrnoException | undefined)?.code ?? error.name) : String(error);
    return new CommandError(
      `Cannot reach a service at ${this.root} (${cause}).\n` +
        `Start one in another terminal with \`npm start\` (it listens on PORT, default 3000), wait for "/health/ready",\n` +
        `then run \`npm run demo\` again, or pass the URL of a running one: npm run demo -- http://host:port`,
    );
  }
}

/** How the demo tells what it does: a numbered step with what came back, a token with its claims. */
function narrator(output: CliOutput) {
  const step = (title: string, detail?: unknown): void => {
    output.log(`\n== ${title}`);
    if (detail !== undefined) output.log(typeof detail === 'string' ? detail : JSON.stringify(detail, null, 2));
  };
  const showToken = (title: string, token: string): void => {
    step(title);
    output.log(token);
    output.log('its claims:');
    output.log(JSON.stringify(decodeJwt(token), null, 2));
  };
  return { step, showToken };
}

/** The service's base URL from the arguments; undefined when help was asked for. */
function baseUrl(args: string[], fallback: string): string | undefined {
  if (args.some((a) => a === '--help' || a === '-h')) return undefined;
  const options = args.filter((a) => a.startsWith('-'));
  if (options.length > 0) throw new UsageError(`unknown option ${options[0]}`);
  if (args.length > 1) throw new UsageError('give at most one base URL');
  const given = args[0] ?? fallback;
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new UsageError(`not a URL: ${given}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`not an http(s) URL: ${given}`);
  return url.href.replace(/\/$/, '');
}

/** The demo talks to the running service over HTTP only, so it works beside it on either database. */
async function demo(args: string[], { server, testIdp }: Settings, output: CliOutput): Promise<void> {
  const root = baseUrl(args, server.origin);
  if (root === undefined) {
    output.log(USAGE);
    return;
  }
  const { step, showToken } = narrator(output);
  const service = new DemoService(root, testIdp.adminToken ? { authorization: `Bearer ${testIdp.adminToken}` } : {});
  const { mp } = service;

  const metadata = await service.call<{ issuer: string; token_endpoint: string }>('GET', `${mp}/.well-known/oauth-authorization-server`, {
    admin: false,
    allow: [404],
  });
  if (metadata.status === 404) {
    throw new CommandError(`The service at ${root} does not serve the test IdP. It runs outside production unless TEST_IDP_ENABLED=false.`);
  }

  const existingScope = await service.call('GET', `${mp}/scopes/${SCOPE}`, { allow: [404] });
  if (existingScope.status === 404) {
    step(
      '1. Register the scope',
      (
        await service.call('POST', `${mp}/scopes`, {
          body: {
            prefix: 'altinn',
            subscope: 'instances/metadata.read',
            description: 'Clients can access metadata for all instances for all apps of the organisation',
          },
        })
      ).body,
    );
  } else {
    step('1. The scope is registered (reused)', existingScope.body);
  }
  step(`2. Give ${ORG} access to it`, (await service.call('PUT', `${mp}/scopes/access/${ORG}?scope=${encodeURIComponent(SCOPE)}`)).body);

  const clients = (
    await service.call<{ client_id: string; client_name: string; client_orgno: string; scopes: string[] }[]>(
      'GET',
      `${mp}/${TEST_IDP_PATHS.clients}`,
    )
  ).body;
  let client = clients.find((c) => c.client_name === CLIENT_NAME && c.client_orgno === ORG && c.scopes.includes(SCOPE));
  if (client) {
    step('3. The client exists (reused)', client);
  } else {
    client = (
      await service.call<{ client_id: string; client_name: string; client_orgno: string; scopes: string[] }>(
        'POST',
        `${mp}/${TEST_IDP_PATHS.clients}`,
        {
          body: {
            client_name: CLIENT_NAME,
            client_type: 'CONFIDENTIAL',
            description: 'Client for accessing the my orgs app data',
            scopes: [SCOPE],
            token_reference: 'SELF_CONTAINED',
            client_orgno: ORG,
          },
        },
      )
    ).body;
    step('3. Create a client', client);
  }
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `demo-${randomBytes(4).toString('hex')}`;
  step(
    '4. Register a new public key for it',
    (
      await service.call('POST', `${mp}/${TEST_IDP_PATHS.clients}/${client.client_id}/${TEST_IDP_PATHS.jwks}`, {
        body: { keys: [{ ...(await exportJWK(publicKey)), kid }] },
      })
    ).body,
  );

  const clientId = client.client_id;
  /** An RFC 7523 JWT-bearer grant signed with the client's new key; `claims` ask for more (authorization_details). */
  const grantToken = async (claims: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ scope: SCOPE, jti: randomBytes(16).toString('hex'), ...claims })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(clientId)
      .setAudience(metadata.body.issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(privateKey);
    return service.call<{ access_token: string }>('POST', metadata.body.token_endpoint, {
      body: { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion },
      form: true,
      admin: false,
    });
  };
  const grant = await grantToken();
  showToken('5. Maskinporten token (JWT-bearer grant)', grant.body.access_token);
  const exchanged = await service.call<string>('GET', `${root}/${ROUTES.maskinportenExchange}`, {
    admin: false,
    headers: { authorization: `Bearer ${grant.body.access_token}` },
  });
  showToken('6. Exchanged for a platform token', exchanged.body);

  const person = await service.call<{ access_token: string }>('POST', `${root}/${ROUTES.testIdpIdporten}/${TEST_IDP_PATHS.token}`, {
    body: { pid: PERSON, acr: 'idporten-loa-substantial', amr: ['Minid-PIN'], locale: 'nb', nonce: randomBytes(8).toString('hex') },
  });
  showToken(`7. ID-porten token for ${PERSON}`, person.body.access_token);
  const personToken = await service.call<string>('GET', `${root}/${ROUTES.idportenExchange}`, {
    admin: false,
    headers: { authorization: `Bearer ${person.body.access_token}` },
  });
  showToken('8. Exchanged for a platform token', personToken.body);

  // A system user: the client's organisation is a vendor whose system acts for a customer.
  const systemId = `${ORG}_demo${randomBytes(4).toString('hex')}`;
  step(
    `9. Register the system ${systemId} of vendor ${ORG}, with the client`,
    (
      await service.call('POST', `${mp}/systems`, {
        body: { system_id: systemId, vendor_orgno: ORG, name: 'Demo system', client_ids: [clientId] },
      })
    ).body,
  );
  step(
    `10. Create a system user for the customer ${CUSTOMER} on it`,
    (await service.call('POST', `${mp}/systemusers`, { body: { system_id: systemId, customer_orgno: CUSTOMER } })).body,
  );
  const systemUser = await grantToken({
    authorization_details: [
      { type: 'urn:altinn:systemuser', systemuser_org: { authority: 'iso6523-actorid-upis', ID: `0192:${CUSTOMER}` } },
    ],
  });
  showToken('11. Maskinporten token for the system user (authorization_details in the grant)', systemUser.body.access_token);
  const systemUserToken = await service.call<string>('GET', `${root}/${ROUTES.maskinportenExchange}`, {
    admin: false,
    headers: { authorization: `Bearer ${systemUser.body.access_token}` },
  });
  showToken('12. Exchanged for a platform token', systemUserToken.body);
  const openid = await service.call<{ authorization_endpoint?: string }>(
    'GET',
    `${root}/authentication/api/v1/openid/.well-known/openid-configuration`,
    {
      admin: false,
    },
  );
  if (openid.body.authorization_endpoint) {
    step(
      '13. Log in as a person in a browser',
      `Open ${root}/test-idp/login-demo : our login sends you to test ID-porten's form, then shows the id_token, access_token and refresh_token.`,
    );
  }
  output.log(
    `\nA token in one call: curl -s -X POST ${mp}/${TEST_IDP_PATHS.token} -H 'content-type: application/json' -d '{"orgno":"${ORG}","scope":"${SCOPE}"}'`,
  );
}

export const demoProgram: CliProgram = { usage: USAGE, run: (args, settings, _env, output) => demo(args, settings, output) };
