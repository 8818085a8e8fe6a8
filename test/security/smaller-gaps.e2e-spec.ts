import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { CompactSign } from 'jose';
import type { RunningApp } from '../helpers/app';
import { AppWithIssuers, startAppWithIssuers } from '../helpers/app-with-issuers';
import { exchange } from '../helpers/exchange';
import { FakeIssuer } from '../helpers/fake-issuer';
import { expectProblem } from '../helpers/problem';
import { INTROSPECTION_PATH, postForm } from '../helpers/token-endpoint';

const SECRET = 'introspection-secret-of-the-storage-api-0001';
const CONSUMER = { authority: 'iso6523-actorid-upis', ID: '0192:974760673' };

/** Organisation numbers, time claims, audience spellings and a repeated introspection token. */
describe('the smaller gaps of the third security round', () => {
  let started: AppWithIssuers;
  let maskinporten: FakeIssuer;
  let idporten: FakeIssuer;
  let running: RunningApp;

  /** A Maskinporten token whose JSON has `raw` in place of a claim's value, as JSON.stringify cannot write it. */
  const withRawClaim = async (name: string, raw: string) => {
    const claims = maskinporten.maskinportenClaims({ [name]: 0 });
    const json = JSON.stringify(claims).replace(`"${name}":0`, `"${name}":${raw}`);
    const [key] = maskinporten.keys;
    return new CompactSign(new TextEncoder().encode(json)).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(key.privateKey);
  };
  const refused = async (response: Response, detail: string | RegExp) => {
    const body = await expectProblem(response, 401);
    expect(body.detail).toMatch(detail);
  };

  before(async () => {
    started = await startAppWithIssuers({
      env: {
        TOKEN_AUDIENCES: 'https://storage.example/',
        INTROSPECTION_TOKENS: SECRET,
      },
    });
    ({ running, maskinporten, idporten } = started);
  });
  after(() => started?.close());

  it('refuses the consumer and the supplier 0192:000000000', async () => {
    const zero = { authority: 'iso6523-actorid-upis', ID: '0192:000000000' };
    await refused(await exchange(running, 'maskinporten', await maskinporten.maskinportenToken({ consumer: zero })), /consumer ID/);
    await refused(await exchange(running, 'maskinporten', await maskinporten.maskinportenToken({ supplier: zero })), /supplier ID/);
  });

  it('refuses a supplier equal to the consumer', async () => {
    const token = await maskinporten.maskinportenToken({ consumer: CONSUMER, supplier: CONSUMER });
    await refused(await exchange(running, 'maskinporten', token), 'the supplier must be another organisation than the consumer');
  });

  it('refuses exp, iat and nbf that are not finite times within ten years', async () => {
    const now = maskinporten.now();
    for (const [name, raw] of [
      ['exp', '1e400'],
      ['exp', String(now + 11 * 365 * 86_400)],
      ['iat', '-1e400'],
      ['nbf', '-5'],
    ]) {
      await refused(
        await exchange(running, 'maskinporten', await withRawClaim(name, raw)),
        `the ${name} claim must be a time between 1970 and ten years from now`,
      );
    }
    // The same token with a sane exp is exchanged.
    expect((await exchange(running, 'maskinporten', await withRawClaim('exp', String(now + 120)))).status).toBe(200);
  });

  it('answers 400 to an audience parameter spelled otherwise, at both exchanges, instead of an unbound token', async () => {
    const tokens = { maskinporten: await maskinporten.maskinportenToken(), 'id-porten': await idporten.idportenToken() };
    for (const [provider, token] of Object.entries(tokens)) {
      for (const query of ['?audience[]=https://storage.example/', '?AUDIENCE=https://storage.example/', '?Audiences=x']) {
        const body = await expectProblem(await exchange(running, provider, token, { query }), 400);
        expect(body.detail).toBe('a parameter spelled like audience but not exactly so; send audience, repeated for several');
      }
      expect((await exchange(running, provider, token, { query: '?audience=https://storage.example/' })).status).toBe(200);
    }
  });

  it('says a repeated introspection token was sent more than once, not that it is too large', async () => {
    const response = await postForm(running, INTROSPECTION_PATH, { token: ['a.b.c', 'd.e.f'] }, { authorization: `Bearer ${SECRET}` });
    const body = await expectProblem(response, 400);
    expect(body.errors).toEqual([{ field: 'token', message: 'token must be sent once, as text' }]);
  });
});
