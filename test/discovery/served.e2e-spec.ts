// test-database: independent (the discovery documents against the routes)
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import * as client from 'openid-client';
import { decodeJwt } from 'jose';
import { freePort, RunningApp } from '../helpers/app';
import { AppWithIssuers, startAppWithIssuers } from '../helpers/app-with-issuers';
import { FakeIssuer } from '../helpers/fake-issuer';
import { ACCESS_TOKEN_TYPE } from '../helpers/token-endpoint';

const INTROSPECTION_SECRET = 'introspection-secret-of-the-storage-api-0001';
const AUDIENCE = 'https://storage.platform.test/';

/** Every string in the document that is a URL, with the member path it sits under. */
function urlsIn(value: unknown, path: string[] = []): [string, string][] {
  if (typeof value === 'string') return /^https?:\/\//.test(value) ? [[path.join('.'), value]] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => urlsIn(v, [...path, String(i)]));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => urlsIn(v, [...path, k]));
  return [];
}

/** Sends a header as a client authentication method: how introspection callers present their secret. */
const bearerSecret =
  (secret: string): client.ClientAuth =>
  (_as, _client, _body, headers) => {
    headers.set('authorization', `Bearer ${secret}`);
  };

/**
 * Discovery advertises exactly what is served: every URL in the document answers, and every
 * advertised grant type, client authentication method and response type is exercised by a real
 * client. A value this test has no way to exercise fails it, so a value added to the document
 * without being served cannot slip through.
 */
describe('Discovery advertises exactly what is served', () => {
  let started: AppWithIssuers;
  let maskinporten: FakeIssuer;
  let idporten: FakeIssuer;
  let running: RunningApp;
  let issuer: string;
  let document: Record<string, unknown>;

  before(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}/authentication/api/v1/openid/`;
    started = await startAppWithIssuers({
      env: {
        PORT: String(port),
        ISSUER_URL: issuer,
        INTROSPECTION_TOKENS: INTROSPECTION_SECRET,
        TOKEN_AUDIENCES: AUDIENCE,
        // ID-porten tokens then carry urn:altinn:refresh_until, which claims_supported names too.
        IDPORTEN_TOKEN_LIFETIME: 'upstream',
      },
    });
    ({ running, maskinporten, idporten } = started);
    document = (await (await fetch(`${issuer}.well-known/openid-configuration`)).json()) as Record<string, unknown>;
  });
  after(() => started?.close());

  /** A fresh upstream token for each provider, by the key its exchange endpoint has in the document. */
  const upstreamToken: Record<string, () => Promise<string>> = {
    maskinporten: () => maskinporten.maskinportenToken(),
    'id-porten': () => idporten.idportenToken(),
  };

  /** How each URL-valued member is exercised; the issuer is an identifier (RFC 8414 §2), not a resource. */
  const urlChecks: [RegExp, (url: string, member: string) => Promise<void> | void][] = [
    [/^issuer$/, (url) => expect(url).toBe(issuer)],
    [
      /^jwks_uri$/,
      async (url) => {
        const response = await fetch(url);
        expect(response.status).toBe(200);
        expect(((await response.json()) as { keys: unknown[] }).keys.length).toBeGreaterThan(0);
      },
    ],
    [
      /^exchange_endpoints\.[\w-]+$/,
      async (url, member) => {
        const provider = member.split('.')[1];
        expect([member, typeof upstreamToken[provider]]).toEqual([member, 'function']);
        const response = await fetch(url, { headers: { authorization: `Bearer ${await upstreamToken[provider]()}` } });
        expect([member, response.status]).toEqual([member, 200]);
      },
    ],
    // POST endpoints: exercised by the grant and introspection checks below; here only that they route POST.
    [
      /^(token_endpoint|introspection_endpoint)$/,
      async (url, member) => expect([member, (await fetch(url)).headers.get('allow')]).toEqual([member, 'POST']),
    ],
  ];

  it('answers at every URL it names', async () => {
    const urls = urlsIn(document);
    expect(urls.length).toBeGreaterThanOrEqual(6);
    for (const [member, url] of urls) {
      expect([member, url.startsWith(new URL(issuer).origin)]).toEqual([member, true]);
      const check = urlChecks.find(([pattern]) => pattern.test(member));
      expect([member, check === undefined ? 'no way to exercise this member' : 'exercised']).toEqual([member, 'exercised']);
      await check?.[1](url, member);
    }
  });

  it('serves every advertised grant type with every advertised token endpoint auth method, through openid-client', async () => {
    const authMethods: Record<string, () => client.ClientAuth> = { none: () => client.None() };
    const grants: Record<string, (config: client.Configuration) => Promise<void>> = {
      'urn:ietf:params:oauth:grant-type:token-exchange': async (config) => {
        for (const provider of Object.keys(upstreamToken)) {
          const response = await client.genericGrantRequest(config, 'urn:ietf:params:oauth:grant-type:token-exchange', {
            subject_token: await upstreamToken[provider](),
            subject_token_type: ACCESS_TOKEN_TYPE,
          });
          expect(decodeJwt(response.access_token).iss).toBe(issuer);
        }
      },
    };
    const advertisedGrants = document.grant_types_supported as string[];
    const advertisedMethods = document.token_endpoint_auth_methods_supported as string[];
    expect(advertisedGrants.length).toBeGreaterThan(0);
    expect(advertisedMethods.length).toBeGreaterThan(0);
    for (const method of advertisedMethods) {
      expect([method, method in authMethods]).toEqual([method, true]);
      const config = await client.discovery(new URL(issuer), 'discovery-test', undefined, authMethods[method](), {
        execute: [client.allowInsecureRequests],
      });
      for (const grant of advertisedGrants) {
        expect([grant, grant in grants]).toEqual([grant, true]);
        await grants[grant](config);
      }
    }
  });

  it('serves introspection with every advertised introspection auth method, through openid-client', async () => {
    const authMethods: Record<string, () => client.ClientAuth> = { Bearer: () => bearerSecret(INTROSPECTION_SECRET) };
    const advertised = document.introspection_endpoint_auth_methods_supported as string[];
    expect(advertised.length).toBeGreaterThan(0);
    const exchanged = await (
      await fetch(`${(document.exchange_endpoints as Record<string, string>).maskinporten}`, {
        headers: { authorization: `Bearer ${await maskinporten.maskinportenToken()}` },
      })
    ).text();
    for (const method of advertised) {
      expect([method, method in authMethods]).toEqual([method, true]);
      const config = await client.discovery(new URL(issuer), 'introspection-caller', undefined, authMethods[method](), {
        execute: [client.allowInsecureRequests],
      });
      const answer = await client.tokenIntrospection(config, exchanged);
      expect(answer).toMatchObject({ active: true, iss: issuer, orgNumber: 974760673 });
    }
  });

  it('advertises no response type, since no authorization endpoint is served', () => {
    const responseTypes: Record<string, () => Promise<void>> = {};
    const advertised = document.response_types_supported as string[];
    for (const type of advertised) expect([type, type in responseTypes]).toEqual([type, true]);
    expect(advertised).toEqual([]);
    expect(document.authorization_endpoint).toBeUndefined();
  });

  it('lists exactly the claims our tokens carry', async () => {
    const claims = new Set<string>();
    const add = (token: string) => Object.keys(decodeJwt(token)).forEach((c) => claims.add(c));
    const endpoints = document.exchange_endpoints as Record<string, string>;
    for (const [provider, url] of Object.entries(endpoints)) {
      add(
        await (
          await fetch(`${url}?audience=${encodeURIComponent(AUDIENCE)}`, {
            headers: { authorization: `Bearer ${await upstreamToken[provider]()}` },
          })
        ).text(),
      );
    }
    // The shapes a plain token lacks: a system user (authorization_details) and a supplier.
    const systemUser = {
      type: 'urn:altinn:systemuser',
      systemuser_id: ['a6355a68-86b8-4344-8a81-0248cb461468'],
      systemuser_org: { authority: 'iso6523-actorid-upis', ID: '0192:991825827' },
      system_id: '974760673_smartcloud',
    };
    const supplier = { authority: 'iso6523-actorid-upis', ID: '0192:991825827' };
    for (const shape of [{ authorization_details: [systemUser] }, { supplier }]) {
      const response = await fetch(endpoints.maskinporten, {
        headers: { authorization: `Bearer ${await maskinporten.maskinportenToken(shape)}` },
      });
      expect(response.status).toBe(200);
      add(await response.text());
    }
    const refreshed = await fetch(`${running.url}/authentication/api/v1/refresh`, {
      headers: {
        authorization: `Bearer ${await (await fetch(endpoints.maskinporten, { headers: { authorization: `Bearer ${await maskinporten.maskinportenToken()}` } })).text()}`,
      },
    });
    add(await refreshed.text());
    expect([...(document.claims_supported as string[])].sort()).toEqual([...claims].sort());
  });
});
