import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { DataSource } from 'typeorm';
import { RunningApp, startApp } from '../helpers/app';
import { expectProblem } from '../helpers/problem';
import { json } from '../helpers/test-idp-client';

const MP = '/test-idp/maskinporten';

describe('test IdP provisioning API', () => {
  let running: RunningApp;
  before(async () => {
    running = await startApp({ env: { TEST_IDP_ENABLED: 'true' } });
  });
  after(() => running.close());

  it("accepts the seed's three provisioning calls verbatim", async () => {
    const scope = await json(running, 'POST', `${MP}/scopes`, {
      prefix: 'altinn',
      subscope: 'instances/metadata.read',
      description: 'Clients can access metadata for all instances for all apps of the organisation',
    });
    expect(scope.status).toBe(201);
    expect(await scope.json()).toMatchObject({ name: 'altinn:instances/metadata.read' });
    const access = await json(running, 'PUT', `${MP}/scopes/access/889640782?scope=altinn:instances/metadata.read`);
    expect(access.status).toBe(200);
    const client = await json(running, 'POST', `${MP}/clients`, {
      client_name: 'altinnOrgRead',
      client_type: 'CONFIDENTIAL',
      description: 'Client for accessing the my orgs app data',
      scopes: ['altinn:instances/metadata.read'],
      token_reference: 'SELF_CONTAINED',
    });
    expect(client.status).toBe(201);
    expect(await client.json()).toMatchObject({
      client_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      client_orgno: '889640782',
      scopes: ['altinn:instances/metadata.read'],
    });
  });

  it('lists scopes, reads one by its name with a slash, and lists an organisation access', async () => {
    expect(await (await json(running, 'GET', `${MP}/scopes`)).json()).toEqual([
      expect.objectContaining({ name: 'altinn:instances/metadata.read' }),
    ]);
    expect((await json(running, 'GET', `${MP}/scopes/altinn:instances/metadata.read`)).status).toBe(200);
    expect(await (await json(running, 'GET', `${MP}/scopes/access/889640782`)).json()).toEqual({
      orgno: '889640782',
      scopes: ['altinn:instances/metadata.read'],
    });
    await expectProblem(await json(running, 'GET', `${MP}/scopes/altinn:nothing`), 404);
  });

  it('refuses a duplicate scope with 409', async () => {
    await expectProblem(await json(running, 'POST', `${MP}/scopes`, { prefix: 'altinn', subscope: 'instances/metadata.read' }), 409);
  });

  it('refuses scope names outside the rule, naming the field, and writes nothing', async () => {
    for (const subscope of ['meta-data', 'meta_data', 'Instances', '/instances', 'instances/', 'a//b', 'x', 'a.b.c', 7]) {
      const body = await expectProblem(await json(running, 'POST', `${MP}/scopes`, { prefix: 'altinn', subscope }), 400);
      expect(body.errors).toEqual([expect.objectContaining({ field: 'subscope' })]);
    }
    await expectProblem(await json(running, 'POST', `${MP}/scopes`, { prefix: 'Altinn', subscope: 'ok' }), 400);
    await expectProblem(await json(running, 'POST', `${MP}/scopes`, { prefix: 'altinn', subscope: 'ok', extra: 1 }), 400);
    const rows = await running.app.get(DataSource).query<{ n: number }[]>('SELECT count(*)::int AS n FROM test_idp_scopes');
    expect(rows[0].n).toBe(1);
  });

  // A backtracking rule would hold the request for ever; a linear one answers as fast as for any
  // other refused subscope of that size, the baseline measured here so a loaded machine slows both.
  it('answers a 10 KB hostile subscope 400 as fast as another refused subscope of that size', async () => {
    const hostile = { prefix: 'altinn', subscope: `${'a'.repeat(10 * 1024 - 1)}-` };
    const baseline = { prefix: 'altinn', subscope: 'A'.repeat(10 * 1024) };
    const fastest = { hostile: Infinity, baseline: Infinity };
    for (let round = 0; round < 5; round++) {
      for (const [name, body] of [
        ['hostile', hostile],
        ['baseline', baseline],
      ] as const) {
        const started = performance.now();
        const response = await json(running, 'POST', `${MP}/scopes`, body);
        fastest[name] = Math.min(fastest[name], performance.now() - started);
        await expectProblem(response, 400);
      }
    }
    expect(fastest.hostile).toBeLessThan(fastest.baseline * 10);
  });

  it('refuses access for a malformed organisation number or an unknown scope', async () => {
    await expectProblem(await json(running, 'PUT', `${MP}/scopes/access/12345?scope=altinn:instances/metadata.read`), 400);
    await expectProblem(await json(running, 'PUT', `${MP}/scopes/access/974760673?scope=altinn:unknown`), 404);
    await expectProblem(await json(running, 'PUT', `${MP}/scopes/access/974760673`), 400);
  });

  it('refuses a client with an ungranted or unknown scope, naming it', async () => {
    const ungranted = await expectProblem(
      await json(running, 'POST', `${MP}/clients`, {
        client_name: 'c',
        client_type: 'CONFIDENTIAL',
        scopes: ['altinn:instances/metadata.read'],
        token_reference: 'SELF_CONTAINED',
        client_orgno: '974760673',
      }),
      400,
    );
    expect(ungranted.detail).toBe('the scope altinn:instances/metadata.read is not granted to 974760673');
    const unknown = await expectProblem(
      await json(running, 'POST', `${MP}/clients`, {
        client_name: 'c',
        client_type: 'CONFIDENTIAL',
        scopes: ['altinn:nope'],
        token_reference: 'SELF_CONTAINED',
        client_orgno: '974760673',
      }),
      400,
    );
    expect(unknown.detail).toBe('the scope altinn:nope does not exist');
    await expectProblem(
      await json(running, 'POST', `${MP}/clients`, {
        client_name: 'c',
        client_type: 'PUBLIC',
        scopes: ['altinn:instances/metadata.read'],
        token_reference: 'SELF_CONTAINED',
      }),
      400,
    );
  });

  it('revokes access, and refuses revoking what was not granted', async () => {
    await json(running, 'PUT', `${MP}/scopes/access/974760673?scope=altinn:instances/metadata.read`);
    expect((await json(running, 'DELETE', `${MP}/scopes/access/974760673?scope=altinn:instances/metadata.read`)).status).toBe(204);
    await expectProblem(await json(running, 'DELETE', `${MP}/scopes/access/974760673?scope=altinn:instances/metadata.read`), 404);
  });

  it('registers at most 5 public RSA keys and refuses private members', async () => {
    const created = await json(running, 'POST', `${MP}/clients`, {
      client_name: 'c',
      client_type: 'CONFIDENTIAL',
      scopes: ['altinn:instances/metadata.read'],
      token_reference: 'SELF_CONTAINED',
    });
    const { client_id: id } = (await created.json()) as { client_id: string };
    const { generateKeyPair, exportJWK } = await import('jose');
    const pair = await generateKeyPair('RS256', { extractable: true });
    const publicJwk = await exportJWK(pair.publicKey);
    const privateJwk = await exportJWK(pair.privateKey);
    expect((await json(running, 'POST', `${MP}/clients/${id}/jwks`, { keys: [publicJwk] })).status).toBe(201);
    await expectProblem(await json(running, 'POST', `${MP}/clients/${id}/jwks`, { keys: Array(6).fill(publicJwk) }), 400);
    await expectProblem(await json(running, 'POST', `${MP}/clients/${id}/jwks`, { keys: [privateJwk] }), 400);
    await expectProblem(
      await json(running, 'POST', `${MP}/clients/${id}/jwks`, { keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b' }] }),
      400,
    );
    await expectProblem(await json(running, 'POST', `${MP}/clients/00000000-0000-4000-8000-000000000000/jwks`, { keys: [publicJwk] }), 404);
  });
});

describe('test IdP admin token', () => {
  let running: RunningApp;
  before(async () => {
    running = await startApp({ env: { TEST_IDP_ENABLED: 'true', TEST_IDP_ADMIN_TOKEN: 'admin-token-0123456789' } });
  });
  after(() => running.close());

  it('protects provisioning with the admin token when one is set', async () => {
    const body = { prefix: 'altinn', subscope: 'apps.read' };
    const missing = await json(running, 'POST', `${MP}/scopes`, body);
    await expectProblem(missing, 401);
    await expectProblem(await json(running, 'POST', `${MP}/scopes`, body, { authorization: 'Bearer wrong-token-0123456789' }), 401);
    expect((await json(running, 'POST', `${MP}/scopes`, body, { authorization: 'Bearer admin-token-0123456789' })).status).toBe(201);
    expect((await fetch(`${running.url}${MP}/.well-known/oauth-authorization-server`)).status).toBe(200);
  });

  it('protects the system, system user and delegation calls with it too, before reading the body', async () => {
    for (const path of ['systems', 'systemusers', 'delegations']) {
      await expectProblem(await json(running, 'POST', `${MP}/${path}`, {}), 401);
      await expectProblem(await json(running, 'POST', `${MP}/${path}`, {}, { authorization: 'Bearer wrong-token-0123456789' }), 401);
      await expectProblem(await json(running, 'POST', `${MP}/${path}`, {}, { authorization: 'Bearer admin-token-0123456789' }), 400);
    }
  });
});
