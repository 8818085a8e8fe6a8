// test-database: independent (the demo talks to the service over HTTP only, on either database)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { projectRoot } from '../../src/config/project-root';
import { runCliInProcess } from '../helpers/admin';
import { freePort, RunningApp, startApp } from '../helpers/app';
import { CLI_LIMITS, waitFor } from '../helpers/spawn';

const DEMO_CLI = join(projectRoot(), 'dist', 'src', 'cli', 'main.js');

describe('a start with development defaults', () => {
  let running: RunningApp;
  let port: number;

  // The app in this process, built from development defaults: a second process would cost seconds of
  // CPU and prove nothing more to a demo that only talks HTTP. `npm start` with these defaults, as a
  // process, is test/foundation/embedded-database's; how long a first start takes is measured by hand
  // on a fresh clone (README), not asserted here: a loaded machine would fail any bound.
  before(async () => {
    // Only what a developer's shell has: no database URL, no issuer settings, no key secret, the test
    // IdP and rate limits on by default; the logs stay quiet.
    running = await startApp({
      env: { NODE_ENV: undefined, TEST_IDP_ENABLED: undefined, RATE_LIMIT_PER_MINUTE: undefined, KEY_ENCRYPTION_KEY: undefined },
    });
    port = Number(new URL(running.url).port);
    // As a developer would: the demo once the service says it is ready (its issuers' keys fetched).
    await waitFor(`${running.url}/health/ready`);
  });
  after(() => running?.close());

  // The demo's own code in this process, against that app; `--help` below runs it as a process.
  const demo = (...args: string[]) => runCliInProcess(['demo', ...args], { PORT: String(port) });

  it("runs the seed's flow end to end with npm run demo, printing the raw tokens", async () => {
    const result = await demo(`http://127.0.0.1:${port}`);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('== 3. Create a client');
    expect(result.stdout).toContain('== 6. Exchanged for a platform token');
    expect(result.stdout).toContain('"org": "brg"');
    expect(result.stdout).toContain('"orgNumber": 974760673');
    expect(result.stdout).toContain('"urn:altinn:userid": "20000011"');
    // Six tokens, each on a line of its own, ready to copy.
    expect(result.stdout.match(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/gm)).toHaveLength(6);
    const systemUser = result.stdout.slice(result.stdout.indexOf('== 12. Exchanged for a platform token'));
    expect(systemUser).toMatch(
      /"type": "urn:altinn:systemuser",\s+"systemuser_id": \[\s+"[0-9a-f-]{36}"\s+\],\s+"systemuser_org": \{\s+"authority": "iso6523-actorid-upis",\s+"ID": "0192:991825827"\s+\},\s+"system_id": "974760673_demo[0-9a-f]{8}"/,
    );
    expect(systemUser).toContain('"orgNumber": 974760673');
  });

  it('reuses its scope and client on a rerun, with no conflict and no second client', async () => {
    const first = (await (await fetch(`http://127.0.0.1:${port}/test-idp/maskinporten/clients`)).json()) as { client_id: string }[];
    expect(first).toHaveLength(1);
    // No URL: the default is the one host name, 127.0.0.1, on PORT.
    const result = await demo();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('== 1. The scope is registered (reused)');
    expect(result.stdout).toContain('== 3. The client exists (reused)');
    expect(result.stdout).toContain(first[0].client_id);
    // A conflict would end the demo with `... answered 409: ...`.
    expect(result.stdout).not.toMatch(/answered 409|already exists/);
    expect(result.stdout).toContain('"org": "brg"');
    const after = (await (await fetch(`http://127.0.0.1:${port}/test-idp/maskinporten/clients`)).json()) as { client_id: string }[];
    expect(after.map((c) => c.client_id)).toEqual([first[0].client_id]);
  });
});

describe('npm run demo without a service', () => {
  // As a process once; -h and the refusals below run the same program in this process.
  it('prints its usage for --help and -h, and exits 0', async () => {
    const spawned = spawnSync(process.execPath, [DEMO_CLI, 'demo', '--help'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
      ...CLI_LIMITS,
    });
    const short = await runCliInProcess(['demo', '-h'], {});
    for (const result of [{ code: spawned.status, stdout: spawned.stdout, stderr: spawned.stderr }, short]) {
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^usage: npm run demo -- \[base URL\]/);
      expect(result.stdout).toContain('A rerun reuses the scope and the client');
    }
  });

  it('refuses an unknown option or a base that is not an http URL with its usage, exit 2', async () => {
    for (const args of [['--verbose'], ['ftp://x'], ['not a url'], ['http://a', 'http://b']]) {
      const result = await runCliInProcess(['demo', ...args], {});
      expect([args, result.code]).toEqual([args, 2]);
      expect(result.stderr).toContain('usage: npm run demo');
      expect(result.stdout).toBe('');
    }
  });

  it('says it cannot reach a service and how to start one', async () => {
    const nobody = await freePort();
    const result = await runCliInProcess(['demo'], { PORT: String(nobody) });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`Cannot reach a service at http://127.0.0.1:${nobody} (ECONNREFUSED)`);
    expect(result.stderr).toContain('npm start');
    expect(result.stderr).not.toContain('fetch failed');
  });
});
