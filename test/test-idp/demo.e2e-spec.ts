import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { projectRoot } from '../../src/config/project-root';
import { freePort } from '../helpers/app';
import { spawnService, waitFor } from '../helpers/spawn';

const DEMO = join(projectRoot(), 'dist', 'src', 'test-idp', 'demo.cli.js');

describe('a fresh start with development defaults', () => {
  let port: number;
  let stop: () => Promise<unknown>;
  let readyAfterMs: number;

  before(async () => {
    port = await freePort();
    const started = Date.now();
    // Only what a developer's shell has: no database URL, no issuer settings, the test IdP on by default.
    const { child, exited } = spawnService({ PORT: String(port), DATA_DIR: mkdtempSync(join(tmpdir(), 'auth-demo-')) });
    stop = () => {
      child.kill('SIGTERM');
      return exited;
    };
    await waitFor(`http://127.0.0.1:${port}/health/ready`, 30_000);
    readyAfterMs = Date.now() - started;
  });
  after(() => stop());

  it('is ready within 15 s on the embedded database', () => {
    expect(readyAfterMs).toBeLessThan(15_000);
  });

  it("runs the seed's flow end to end with npm run demo", () => {
    const result = spawnSync(process.execPath, [DEMO, `http://127.0.0.1:${port}`], { encoding: 'utf8', env: { PATH: process.env.PATH, PORT: String(port) } });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('== 6. Exchanged for a platform token, its claims');
    expect(result.stdout).toContain('"org": "brg"');
    expect(result.stdout).toContain('"orgNumber": 974760673');
    expect(result.stdout).toContain('"urn:altinn:userid": "20000011"');
  });
});
