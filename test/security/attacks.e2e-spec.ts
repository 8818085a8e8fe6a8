import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPublicKey, generateKeyPairSync, webcrypto } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../src/audit/audit-log';
import type { RunningApp } from '../helpers/app';
import { AppWithIssuers, startAppWithIssuers } from '../helpers/app-with-issuers';
import { EXCHANGE } from '../helpers/exchange';
import { FakeIssuer } from '../helpers/fake-issuer';
import { certificateFor } from '../helpers/pki';
import { expectProblem } from '../helpers/problem';
import { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE, TOKEN_PATH, tokenExchange } from '../helpers/token-endpoint';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/**
 * How the attack reaches us: as the Bearer token of a GET exchange (refused 401 problem+json), or as
 * the subject_token of the standard POST /token (refused 400 RFC 6749 JSON, invalid_grant).
 */
type Via = 'GET exchange' | 'POST /token';

/** The attack suite: every forged or malformed credential is refused, issues nothing, and leaves one audit row; through both ways in. */
describe('JWT attack suite', () => {
  let started: AppWithIssuers;
  let maskinporten: FakeIssuer;
  let idporten: FakeIssuer;
  let running: RunningApp;
  let keyServer: Server;
  let keyServerHits = 0;
  let keyServerUrl: string;
  let attacker: Awaited<ReturnType<typeof generateKeyPair>>;

  // One app for both ways in: each attack counts only the audit rows it added.
  before(async () => {
    started = await startAppWithIssuers({ env: { PROFILES_AUTO_PROVISION: 'false' } });
    ({ running, maskinporten, idporten } = started);
    attacker = await generateKeyPair('RS256', { extractable: true });
    const attackerJwks = { keys: [{ ...(await exportJWK(attacker.publicKey)), kid: 'attacker', alg: 'RS256', use: 'sig' }] };
    keyServer = createServer((_req, res) => {
      keyServerHits += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(attackerJwks));
    });
    await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));
    keyServerUrl = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}/jwks`;
  });
  after(async () => {
    await started?.close();
    if (keyServer) await new Promise((resolve) => keyServer.close(resolve));
  });

  for (const via of ['GET exchange', 'POST /token'] as Via[])
    describe(`JWT attack suite (${via})`, () => {
      /** Every audit row, flushed first, in a fixed order (the test clock stands still, so the id breaks ties). */
      const audited = async () => {
        await running.app.get(AuditLog).flush();
        return running.app
          .get(DataSource)
          .query<{ id: string; outcome: string; reason: string }[]>(
            'SELECT id, outcome, reason FROM authentication_events ORDER BY occurred_at, id',
          );
      };
      /** The rows of `rows` that `earlier` did not have, whatever their place in the order. */
      const added = <T extends { id: string }>(earlier: T[], rows: T[]) => {
        const known = new Set(earlier.map((r) => r.id));
        return rows.filter((r) => !known.has(r.id));
      };

      /** The refusal as the way in answers it: 401 problem with a challenge (GET), or 400 invalid_grant (POST /token). */
      const send = async (authorization: string | undefined, provider: string): Promise<unknown> => {
        if (via === 'POST /token') {
          const response = await tokenExchange(running, (authorization ?? '').replace(/^Bearer /, ''));
          expect(response.status).toBe(400);
          expect(response.headers.get('content-type')).toMatch(/^application\/json/);
          const body = (await response.json()) as Record<string, unknown>;
          expect(body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
          return body;
        }
        const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
        const response = await fetch(`${running.url}${EXCHANGE}/${provider}`, { headers });
        const body = await expectProblem(response, 401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_(token|request)"/);
        return body;
      };

      /** Sends the attack and checks: refused, the token not echoed, exactly one new refused audit row, nothing issued. */
      const refuse = async (authorization: string | undefined, reason: string | RegExp, provider = 'maskinporten') => {
        const earlier = await audited();
        const body = await send(authorization, provider);
        if (authorization && authorization.length > 20) expect(JSON.stringify(body)).not.toContain(authorization.slice(7, 60));
        const rows = await audited();
        expect(rows.length).toBe(earlier.length + 1);
        const [row] = added(earlier, rows);
        expect(row.outcome).toBe('refused');
        expect(row.reason).toMatch(reason);
        const issued = (list: { outcome: string }[]) => list.filter((r) => r.outcome === 'issued').length;
        expect(issued(rows)).toBe(issued(earlier));
      };
      const bearer = (token: string) => `Bearer ${token}`;

      describe('alg none and algorithm confusion', () => {
        it('refuses alg none in every spelling, with and without a signature', async () => {
          for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
            const unsigned = `${b64({ alg, kid: maskinporten.keys[0].kid })}.${b64(maskinporten.maskinportenClaims())}`;
            await refuse(bearer(`${unsigned}.`), /unsigned|alg_not_allowed/);
            await refuse(bearer(`${unsigned}.${b64('signature')}`), 'alg_not_allowed');
          }
        });

        it('refuses HS256 signed with the issuer public key as the secret (PEM and JWK forms)', async () => {
          const jwk = maskinporten.keys[0].publicJwk;
          const pem = createPublicKey({ key: jwk as never, format: 'jwk' })
            .export({ format: 'pem', type: 'spki' })
            .toString();
          for (const secret of [pem, JSON.stringify(jwk)]) {
            const token = await new SignJWT(maskinporten.maskinportenClaims())
              .setProtectedHeader({ alg: 'HS256', kid: maskinporten.keys[0].kid })
              .sign(new TextEncoder().encode(secret));
            await refuse(bearer(token), 'alg_not_allowed');
          }
        });

        it('refuses RS384, PS256 and ES256 when only RS256 is allowed', async () => {
          const rsa = maskinporten.keys[0].privateKey;
          for (const alg of ['RS384', 'PS256']) {
            const { importJWK, exportJWK: exp } = await import('jose');
            const key = await importJWK({ ...(await exp(rsa)), alg: undefined } as never, alg);
            const token = await new SignJWT(maskinporten.maskinportenClaims())
              .setProtectedHeader({ alg, kid: maskinporten.keys[0].kid })
              .sign(key);
            await refuse(bearer(token), 'alg_not_allowed');
          }
          const ec = await generateKeyPair('ES256');
          await refuse(
            bearer(
              await new SignJWT(maskinporten.maskinportenClaims()).setProtectedHeader({ alg: 'ES256', kid: 'ec' }).sign(ec.privateKey),
            ),
            'alg_not_allowed',
          );
        });
      });

      describe('keys offered by the token', () => {
        it('refuses an embedded jwk, jku and x5u pointing to our server, and an x5c chain, fetching nothing', async () => {
          const attackerJwk = await exportJWK(attacker.publicKey);
          const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
          const chain = (await certificateFor(privateKey, publicKey)).replace(/-----[A-Z ]+-----|\s/g, '');
          for (const header of [{ jwk: attackerJwk }, { jku: keyServerUrl }, { x5u: keyServerUrl }, { x5c: [chain] }]) {
            const token = await maskinporten.sign(maskinporten.maskinportenClaims(), {
              key: { ...maskinporten.keys[0], privateKey: attacker.privateKey, kid: 'attacker' },
              header,
            });
            await refuse(bearer(token), 'header_key');
          }
          expect(keyServerHits).toBe(0);
        });

        it('refuses hostile kids and a trusted kid on a token signed by another key', async () => {
          const forge = (kid: string) =>
            maskinporten.sign(maskinporten.maskinportenClaims(), {
              key: { ...maskinporten.keys[0], privateKey: attacker.privateKey, kid },
            });
          await refuse(bearer(await forge('../../../../etc/passwd')), 'unknown_key');
          await refuse(bearer(await forge("' OR 1=1; DROP TABLE signing_keys; --")), 'unknown_key');
          await refuse(bearer(await forge('k'.repeat(300))), 'malformed');
          await refuse(bearer(await forge(maskinporten.keys[0].kid)), 'bad_signature');
        });
      });

      describe('tampered structure', () => {
        it('refuses stripped, truncated, bit-flipped and borrowed signatures, and an altered payload', async () => {
          const token = await maskinporten.maskinportenToken();
          const [header, payload, signature] = token.split('.');
          const other = (await maskinporten.maskinportenToken({ scope: 'altinn:other' })).split('.')[2];
          const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
          const altered = b64({ ...maskinporten.maskinportenClaims(), scope: 'altinn:admin' });
          await refuse(bearer(`${header}.${payload}.`), 'unsigned');
          await refuse(bearer(`${header}.${payload}.${signature.slice(0, -10)}`), /bad_signature|malformed/);
          await refuse(bearer(`${header}.${payload}.${flipped}`), 'bad_signature');
          await refuse(bearer(`${header}.${payload}.${other}`), 'bad_signature');
          await refuse(bearer(`${header}.${altered}.${signature}`), 'bad_signature');
        });

        it('refuses extra or missing segments, JWE, a nested JWT, an unknown crit, non-base64url characters', async () => {
          const token = await maskinporten.maskinportenToken();
          const [header, payload, signature] = token.split('.');
          await refuse(bearer(`${token}.extra`), 'malformed');
          await refuse(bearer(`${header}.${payload}`), 'malformed');
          await refuse(bearer(`${header}.${payload}.${signature}.a.b`), 'malformed');
          const { CompactSign } = await import('jose');
          const nested = await new CompactSign(new TextEncoder().encode(token))
            .setProtectedHeader({ alg: 'RS256', kid: maskinporten.keys[0].kid, cty: 'JWT' })
            .sign(maskinporten.keys[0].privateKey);
          await refuse(bearer(nested), 'malformed');
          // jose will not sign with an unknown crit, so the token is signed by hand, correctly.
          const critHeader = b64({
            alg: 'RS256',
            kid: maskinporten.keys[0].kid,
            crit: ['urn:example:unknown'],
            'urn:example:unknown': true,
          });
          const critInput = `${critHeader}.${b64(maskinporten.maskinportenClaims())}`;
          const critSignature = Buffer.from(
            await webcrypto.subtle.sign('RSASSA-PKCS1-v1_5', maskinporten.keys[0].privateKey as never, new TextEncoder().encode(critInput)),
          ).toString('base64url');
          await refuse(bearer(`${critInput}.${critSignature}`), 'unsupported');
          await refuse(bearer(`${header}.${payload.slice(0, 10)}+/=${payload.slice(13)}.${signature}`), 'malformed');
        });

        it('refuses headers that are not JSON objects', async () => {
          const payload = b64(maskinporten.maskinportenClaims());
          for (const header of ['[]', '"RS256"', '123', 'not json', 'null'])
            await refuse(bearer(`${b64(header)}.${payload}.${b64('sig')}`), 'malformed');
        });
      });

      describe('claims', () => {
        it('refuses issuers that only resemble the trusted one', async () => {
          const iss = maskinporten.issuer;
          for (const forged of [iss.slice(0, -1), `${iss}/`, iss.toUpperCase(), `${iss}evil`, `https://evil.example/${iss}`, `x${iss}`]) {
            await refuse(bearer(await maskinporten.maskinportenToken({ iss: forged })), 'untrusted_issuer');
          }
        });

        it('refuses exp missing, as a string, or past the skew; nbf and iat in the future beyond the skew', async () => {
          const now = maskinporten.now();
          await refuse(bearer(await maskinporten.maskinportenToken({ exp: undefined })), 'missing_exp');
          await refuse(bearer(await maskinporten.maskinportenToken({ exp: String(now + 60) })), 'invalid_exp');
          await refuse(bearer(await maskinporten.maskinportenToken({ iat: now - 300, exp: now - 11 })), 'expired');
          await refuse(bearer(await maskinporten.maskinportenToken({ nbf: now + 60 })), 'not_yet_valid');
          await refuse(bearer(await maskinporten.maskinportenToken({ iat: now + 60, exp: now + 120 })), 'iat_in_future');
        });

        it('refuses a missing, foreign or malformed consumer, and a scope that is not a string', async () => {
          await refuse(bearer(await maskinporten.maskinportenToken({ consumer: undefined })), 'missing_consumer');
          await refuse(
            bearer(await maskinporten.maskinportenToken({ consumer: { authority: 'other', ID: '0192:974760673' } })),
            'invalid_consumer',
          );
          await refuse(
            bearer(await maskinporten.maskinportenToken({ consumer: { authority: 'iso6523-actorid-upis', ID: '0192:1234' } })),
            'invalid_consumer',
          );
          await refuse(
            bearer(await maskinporten.maskinportenToken({ consumer: { authority: 'iso6523-actorid-upis', ID: 974760673 } })),
            'invalid_consumer',
          );
          await refuse(bearer(await maskinporten.maskinportenToken({ scope: 42 })), 'invalid_scope');
        });

        it('refuses a pid of the wrong length or with non-digits', async () => {
          for (const pid of ['1234567890', '123456789012', '1234567890a', ' 19108000239']) {
            await refuse(bearer(await idporten.idportenToken({ pid })), 'invalid_pid', 'id-porten');
          }
        });

        // POST /token picks the provider by the token's issuer, so only our own token is foreign to it.
        if (via === 'GET exchange')
          it('refuses each provider token at the other endpoint, and our own token at both', async () => {
            await refuse(bearer(await maskinporten.maskinportenToken()), 'untrusted_issuer', 'id-porten');
            await refuse(bearer(await idporten.idportenToken()), 'untrusted_issuer', 'maskinporten');
            const ours = await (
              await fetch(`${running.url}${EXCHANGE}/maskinporten`, {
                headers: { authorization: bearer(await maskinporten.maskinportenToken()) },
              })
            ).text();
            await refuse(bearer(ours), 'untrusted_issuer', 'maskinporten');
            await refuse(bearer(ours), 'untrusted_issuer', 'id-porten');
          });

        if (via === 'POST /token')
          it('refuses our own token as a subject token', async () => {
            const ours = await (
              await fetch(`${running.url}${EXCHANGE}/maskinporten`, {
                headers: { authorization: bearer(await maskinporten.maskinportenToken()) },
              })
            ).text();
            await refuse(bearer(ours), 'untrusted_issuer');
          });
      });

      describe('system users (authorization_details) and suppliers', () => {
        const systemUser = {
          type: 'urn:altinn:systemuser',
          systemuser_id: ['a6355a68-86b8-4344-8a81-0248cb461468'],
          systemuser_org: { authority: 'iso6523-actorid-upis', ID: '0192:991825827' },
          system_id: '974760673_smartcloud',
        };

        it('refuses authorization_details or a supplier added to a signed token, or signed by another key under a trusted kid', async () => {
          const [header, , signature] = (await maskinporten.maskinportenToken()).split('.');
          for (const added of [
            { authorization_details: [systemUser] },
            { supplier: { authority: 'iso6523-actorid-upis', ID: '0192:991825827' } },
          ]) {
            await refuse(bearer(`${header}.${b64({ ...maskinporten.maskinportenClaims(), ...added })}.${signature}`), 'bad_signature');
            const stranger = await FakeIssuer.newKey();
            await refuse(
              bearer(
                await maskinporten.sign(maskinporten.maskinportenClaims(added), { key: { ...stranger, kid: maskinporten.keys[0].kid } }),
              ),
              'bad_signature',
            );
          }
        });

        it('refuses our own system-user token presented back for a new exchange', async () => {
          const response = await fetch(`${running.url}${EXCHANGE}/maskinporten`, {
            headers: { authorization: bearer(await maskinporten.maskinportenToken({ authorization_details: [systemUser] })) },
          });
          expect(response.status).toBe(200);
          await refuse(bearer(await response.text()), 'untrusted_issuer');
        });

        it('refuses oversized authorization_details: long JSON, many entries, deep nesting, a long type, many ids', async () => {
          await refuse(
            bearer(
              await maskinporten.maskinportenToken({
                authorization_details: [systemUser, { type: 'urn:example:x', blob: 'A'.repeat(4200) }],
              }),
            ),
            'invalid_authorization_details',
          );
          const many = Array.from({ length: 11 }, (_, i) => ({ type: `urn:example:${i}` }));
          await refuse(
            bearer(await maskinporten.maskinportenToken({ authorization_details: [systemUser, ...many.slice(1)] })),
            'invalid_authorization_details',
          );
          let deep: unknown = 0;
          for (let i = 0; i < 1500; i += 1) deep = [deep];
          await refuse(
            bearer(await maskinporten.maskinportenToken({ authorization_details: [systemUser, { type: 'urn:example:deep', deep }] })),
            'invalid_authorization_details',
          );
          await refuse(
            bearer(
              await maskinporten.maskinportenToken({ authorization_details: [systemUser, { type: `urn:example:${'x'.repeat(300)}` }] }),
            ),
            'invalid_authorization_details',
          );
          await refuse(
            bearer(
              await maskinporten.maskinportenToken({
                authorization_details: [{ ...systemUser, systemuser_id: Array(17).fill(systemUser.systemuser_id[0]) }],
              }),
            ),
            'invalid_authorization_details',
          );
          // Over 8 KB the token is refused before it is read: token_too_large on GET; POST /token answers
          // invalid_request for its size (test/token-endpoint).
          if (via === 'GET exchange')
            await refuse(
              bearer(
                await maskinporten.maskinportenToken({
                  authorization_details: [systemUser, { type: 'urn:example:x', blob: 'A'.repeat(9000) }],
                }),
              ),
              'token_too_large',
            );
        });

        it('refuses malformed authorization_details: wrong JSON types, injected ids, look-alike types, prototype keys', async () => {
          for (const details of [
            null,
            {},
            'urn:altinn:systemuser',
            42,
            [null],
            [[systemUser]],
            [{ ...systemUser, type: ['urn:altinn:systemuser'] }],
          ]) {
            await refuse(bearer(await maskinporten.maskinportenToken({ authorization_details: details })), 'invalid_authorization_details');
          }
          for (const patch of [
            { systemuser_id: ["a6355a68-86b8-4344-8a81-0248cb461468' OR '1'='1"] },
            { systemuser_id: ['a6355a68-86b8-4344-8a81-0248cb461468\n'] },
            { systemuser_id: [{ $ne: null }] },
            { systemuser_org: { authority: 'iso6523-actorid-upis', ID: '0192:９９１８２５８２７' } },
            { systemuser_org: { authority: 'ISO6523-ACTORID-UPIS', ID: '0192:991825827' } },
            { systemuser_org: [{ authority: 'iso6523-actorid-upis', ID: '0192:991825827' }] },
            { system_id: '974760673_smart\u0000cloud' },
            { system_id: { toString: 'x' } },
          ]) {
            await refuse(
              bearer(await maskinporten.maskinportenToken({ authorization_details: [{ ...systemUser, ...patch }] })),
              'invalid_authorization_details',
            );
          }
          // Look-alikes of the system user type are refused as such, wherever they stand.
          for (const type of ['URN:ALTINN:SYSTEMUSER', 'urn:altinn:systemuser ', 'urn:altinn:systemuser\u200b']) {
            await refuse(
              bearer(await maskinporten.maskinportenToken({ authorization_details: [{ ...systemUser, type }, systemUser] })),
              'invalid_authorization_details',
            );
          }
          await refuse(
            bearer(await maskinporten.maskinportenToken({ authorization_details: [{ ...systemUser, type: 'urn:altinn:systemusers' }] })),
            'unsupported_authorization_details',
          );
          // A JSON "__proto__" member is an ordinary key to JSON.parse: no type of its own, so refused.
          const polluted = JSON.parse(`[{"__proto__": ${JSON.stringify(systemUser)}}]`) as unknown;
          await refuse(bearer(await maskinporten.maskinportenToken({ authorization_details: polluted })), 'invalid_authorization_details');
          expect(({} as Record<string, unknown>).type).toBeUndefined();
        });

        it('refuses a forged or malformed supplier', async () => {
          for (const supplier of [
            null,
            '0192:991825827',
            ['iso6523-actorid-upis', '0192:991825827'],
            { authority: 'iso6523-actorid-upis' },
            { authority: 'iso6523-actorid-upis', ID: '0192:991825828' },
            { authority: 'iso6523-actorid-upis', ID: '0192:991825827 ' },
            { authority: 'iso6523-actorid-upis', ID: '0193:991825827' },
            { authority: 'iso6523-actorid-upis', ID: { ID: '0192:991825827' } },
            { authority: 'iso6523-actorid-upis', ID: `0192:${'9'.repeat(4000)}` },
            { authority: 'other', ID: '0192:991825827' },
          ]) {
            await refuse(bearer(await maskinporten.maskinportenToken({ supplier })), 'invalid_supplier');
          }
        });
      });

      if (via === 'GET exchange')
        describe('the Authorization header', () => {
          it('refuses it missing, empty, of another scheme, with two tokens, or over 8 KB', async () => {
            const token = await maskinporten.maskinportenToken();
            await refuse(undefined, 'missing_token');
            await refuse('', 'missing_token');
            await refuse(`Basic ${Buffer.from('a:b').toString('base64')}`, 'wrong_scheme');
            await refuse(`Bearer ${token} ${token}`, 'malformed_header');
            await refuse(`Bearer ${'a'.repeat(9 * 1024)}`, 'token_too_large');
          });

          it('answers a 1 MB token at the HTTP layer with 431, before any parsing', async () => {
            const status = await new Promise<number | undefined>((resolve, reject) => {
              const req = httpRequest(
                `${running.url}${EXCHANGE}/maskinporten`,
                { headers: { authorization: `Bearer ${'a'.repeat(1024 * 1024)}` } },
                (res) => {
                  res.resume();
                  resolve(res.statusCode);
                },
              );
              req.on('error', reject);
              req.end();
            });
            expect(status).toBe(431);
            expect((await fetch(`${running.url}/health/live`)).status).toBe(200);
          });
        });

      if (via === 'POST /token')
        describe('the subject_token parameter', () => {
          const refuseForm = async (form: Record<string, string | string[]>, headers: Record<string, string> = {}) => {
            const earlier = await audited();
            const body = new URLSearchParams();
            for (const [name, value] of Object.entries(form)) for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
            const response = await fetch(`${running.url}${TOKEN_PATH}`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
              body,
            });
            expect(response.status).toBe(400);
            const answer = (await response.json()) as Record<string, unknown>;
            expect(answer.error).toBe('invalid_request');
            const rows = await audited();
            expect(rows.length).toBe(earlier.length + 1);
            expect(added(earlier, rows)).toEqual([expect.objectContaining({ outcome: 'refused', reason: 'invalid_request' })]);
          };
          const base = { grant_type: TOKEN_EXCHANGE, subject_token_type: ACCESS_TOKEN_TYPE };

          it('refuses it missing, empty, sent twice, or over 8 KB, and a token offered in the Authorization header instead', async () => {
            const token = await maskinporten.maskinportenToken();
            await refuseForm(base);
            await refuseForm({ ...base, subject_token: '' });
            await refuseForm({ ...base, subject_token: [token, token] });
            await refuseForm({ ...base, subject_token: 'a'.repeat(9 * 1024) });
            await refuseForm(base, { authorization: bearer(token) });
          });

          it('answers a 1 MB body with 413 invalid_request before any parsing, issuing nothing', async () => {
            const response = await tokenExchange(running, 'a'.repeat(1024 * 1024));
            expect(response.status).toBe(413);
            expect(await response.json()).toEqual({ error: 'invalid_request', error_description: 'the request body is larger than 16 KB' });
            expect((await fetch(`${running.url}/health/live`)).status).toBe(200);
          });
        });
    });
});
