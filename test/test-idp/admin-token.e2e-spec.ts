import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { RunningApp, startApp } from '../helpers/app';
import { CALLBACK, ID, logIn, pkce, register } from '../helpers/code-flow-client';
import { expectProblem } from '../helpers/problem';
import { json } from '../helpers/test-idp-client';

const MP_TOKEN = '/test-idp/maskinporten/token';
const ID_TOKEN = '/test-idp/idporten/token';

describe('the test IdP with an admin token', () => {
  let running: RunningApp;
  const ADMIN = 'admin-secret-for-the-test-idp';

  before(async () => {
    running = await startApp({ env: { TEST_IDP_ENABLED: 'true', TEST_IDP_ADMIN_TOKEN: ADMIN } });
  });
  after(() => running.close());

  for (const [path, body] of [
    [MP_TOKEN, { orgno: '974760673', scope: 'a:b' }],
    [ID_TOKEN, { pid: '19108000239' }],
  ] as const) {
    it(`${path} needs it`, async () => {
      const missing = await json(running, 'POST', path, body);
      await expectProblem(missing, 401);
      expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_request"/);
      const wrong = await json(running, 'POST', path, body, { authorization: 'Bearer not-the-admin-token' });
      await expectProblem(wrong, 401);
      expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      expect((await json(running, 'POST', path, body, { authorization: `Bearer ${ADMIN}` })).status).toBe(200);
    });
  }

  it('is not asked of the JWT-bearer grant, which authenticates the client by its assertion', async () => {
    const response = await fetch(`${running.url}${MP_TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=x',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('needs it to register a client, and asks the person for it on the login form', async () => {
    await expectProblem(await json(running, 'POST', `${ID}/clients`, { client_name: 'x', redirect_uris: [CALLBACK] }), 401);
    const client = await register(
      running,
      { client_name: 'x', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none' },
      { authorization: `Bearer ${ADMIN}` },
    );
    const url = new URL(`${running.url}${ID}/authorize`);
    for (const [name, value] of Object.entries({
      client_id: client.client_id,
      redirect_uri: CALLBACK,
      response_type: 'code',
      scope: 'openid',
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
    }))
      url.searchParams.set(name, value);
    const html = await (await fetch(url)).text();
    expect(html).toContain('name="admin_token" type="password"');
    const without = await logIn(url);
    expect(without.status).toBe(401);
    expect(without.location).toBeNull();
    const wrong = await logIn(url, { admin_token: 'wrong' });
    expect(wrong.status).toBe(401);
    const right = await logIn(url, { admin_token: ADMIN });
    expect(right.status).toBe(303);
    expect(new URL(right.location as string).searchParams.get('code')).toMatch(/^[\w-]{43}$/);
  });
});
