// test-database: independent (the source layout)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { expect } from 'expect';
import { projectRoot } from '../../src/config/project-root';
import { CLI_LIMITS } from '../helpers/spawn';

const CONFIG = join(projectRoot(), '.dependency-cruiser.cjs');
const DEPCRUISE = join(projectRoot(), 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const made: string[] = [];

interface Verdict {
  code: number | null;
  rules: string[];
}

/** The rules an `err` report names, each once, sorted. */
const rulesIn = (report: string) => [...new Set([...report.matchAll(/error ([\w-]+):/g)].map((m) => m[1]))].sort();

/** A made-up project: `files` under a fresh directory with a tsconfig.json, as dependency-cruiser finds src/ in `npm run lint`. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'auth-layout-'));
  made.push(dir);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'commonjs', target: 'es2022', strict: true } }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** The layout check exactly as `npm run lint` runs it (`depcruise src --config ...`): its exit code and the rules it names. */
function checkWithCli(files: Record<string, string>): Verdict {
  const result = spawnSync(process.execPath, [DEPCRUISE, 'src', '--config', CONFIG], { cwd: tree(files), encoding: 'utf8', ...CLI_LIMITS });
  return { code: result.status, rules: rulesIn(result.stdout) };
}

/**
 * The same check through dependency-cruiser's API in this process: the CLI costs about 2 s of CPU to
 * load for each tree, the API once. Same configuration file, same reporter; its exit code is the one
 * the CLI exits with. A test below holds the two to the same verdict.
 */
async function check(files: Record<string, string>): Promise<Verdict> {
  const { cruise } = await import('dependency-cruiser');
  const { default: extractDepcruiseOptions } = await import('dependency-cruiser/config-utl/extract-depcruise-options');
  const { default: extractTSConfig } = await import('dependency-cruiser/config-utl/extract-ts-config');
  const dir = tree(files);
  const tsConfig = join(dir, 'tsconfig.json');
  const options = {
    ...(await extractDepcruiseOptions(CONFIG)),
    baseDir: dir,
    outputType: 'err' as const,
    tsConfig: { fileName: tsConfig },
  };
  const result = await cruise(['src'], options, {}, { tsConfig: extractTSConfig(tsConfig) });
  if (typeof result.output !== 'string') throw new Error('the err reporter returned no text');
  return { code: result.exitCode, rules: rulesIn(result.output) };
}

/** A sound tree: a capability on top of common/ and database/, wired by the composition root. */
const SOUND = {
  'src/app.module.ts':
    "import { KeysModule } from './keys/keys.module';\nimport { ENTITIES } from './entities';\nexport const APP = [KeysModule, ENTITIES];\n",
  'src/entities.ts': "import { SigningKey } from './keys/signing-key.entity';\nexport const ENTITIES = [SigningKey];\n",
  'src/keys/keys.module.ts':
    "import { open } from '../database/open';\nimport { now } from '../common/clock';\nexport class KeysModule { run = [open, now]; }\n",
  'src/keys/signing-key.entity.ts': 'export class SigningKey {}\n',
  'src/database/open.ts': "import { now } from '../common/clock';\nexport const open = () => now();\n",
  'src/common/clock.ts': 'export const now = () => 0;\n',
};

describe('the layout rules in npm run lint', () => {
  after(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  it('passes a tree whose folders depend one way', async () => {
    expect(await check(SOUND)).toEqual({ code: 0, rules: [] });
  });

  it('fails on two folders that import each other through a third', async () => {
    const result = await check({
      ...SOUND,
      'src/organisations/registry.ts': "import { profileOf } from '../profiles/profile';\nexport const registry = () => profileOf();\n",
      'src/profiles/profile.ts': "import { keyOf } from '../keys/key';\nexport const profileOf = () => keyOf();\n",
      'src/keys/key.ts': "import { registry } from '../organisations/registry';\nexport const keyOf = (): unknown => registry;\n",
    });
    expect(result.code).not.toBe(0);
    expect(result.rules).toContain('no-folder-cycle');
  });

  /** database/ importing a capability, the way it once listed the entities. */
  const DATABASE_LISTS_ENTITIES = {
    ...SOUND,
    'src/database/entities.ts': "import { SigningKey } from '../keys/signing-key.entity';\nexport const ENTITIES = [SigningKey];\n",
  };

  it('fails on database/ importing a capability, the way it once listed the entities', async () => {
    const result = await check(DATABASE_LISTS_ENTITIES);
    expect(result.code).not.toBe(0);
    expect(result.rules).toEqual(['database-knows-no-capability', 'no-folder-cycle']);
  });

  it('gives the verdict of the command npm run lint runs: its exit code and the rules it names', async () => {
    const cli = checkWithCli(DATABASE_LISTS_ENTITIES);
    expect(cli.code).not.toBe(0);
    expect(cli).toEqual(await check(DATABASE_LISTS_ENTITIES));
  });

  it('fails on common/ importing a capability', async () => {
    const result = await check({
      ...SOUND,
      'src/common/signer.ts': "import { KeysModule } from '../keys/keys.module';\nexport const signer = KeysModule;\n",
    });
    expect(result.code).not.toBe(0);
    expect(result.rules).toContain('common-and-config-know-no-capability');
  });

  it('fails on a capability reaching into an endpoint folder for a constant', async () => {
    const result = await check({
      ...SOUND,
      'src/discovery/discovery-document.ts': "export const EXCHANGE_PATH = 'x';\n",
      'src/refresh/refresh.controller.ts':
        "import { EXCHANGE_PATH } from '../discovery/discovery-document';\nexport const PATH = EXCHANGE_PATH;\n",
    });
    expect(result.code).not.toBe(0);
    expect(result.rules).toEqual(['no-reach-into-endpoints']);
  });

  /** The exchange as it is laid out: a provider's service, POST /token injecting it, shared/ below both, the refresh using shared/. */
  const EXCHANGE = {
    ...SOUND,
    'src/app.module.ts':
      "import { ExchangeModule } from './exchange/exchange.module';\nimport { RefreshModule } from './refresh/refresh.module';\nexport const APP = [ExchangeModule, RefreshModule];\n",
    'src/exchange/exchange.module.ts':
      "import { MaskinportenModule } from './maskinporten/maskinporten.module';\nimport { TokenEndpointModule } from './token-endpoint/token-endpoint.module';\nexport class ExchangeModule { m = [MaskinportenModule, TokenEndpointModule]; }\n",
    'src/exchange/maskinporten/maskinporten.module.ts':
      "import { MaskinportenExchange } from './maskinporten-exchange';\nexport class MaskinportenModule { p = MaskinportenExchange; }\n",
    'src/exchange/maskinporten/maskinporten-exchange.ts':
      "import { TokenAudiences } from '../shared/token-audiences';\nimport { now } from '../../common/clock';\nexport class MaskinportenExchange { a = TokenAudiences; n = now; }\n",
    'src/exchange/token-endpoint/token-endpoint.module.ts':
      "import { MaskinportenModule } from '../maskinporten/maskinporten.module';\nimport { MaskinportenExchange } from '../maskinporten/maskinporten-exchange';\nexport class TokenEndpointModule { m = [MaskinportenModule, MaskinportenExchange]; }\n",
    'src/exchange/shared/token-audiences.ts': 'export class TokenAudiences {}\n',
    'src/refresh/refresh.module.ts':
      "import { TokenAudiences } from '../exchange/shared/token-audiences';\nexport class RefreshModule { a = TokenAudiences; }\n",
  };

  it("passes the exchange: POST /token injecting a provider's exchange service, and the refresh using exchange/shared/", async () => {
    expect(await check(EXCHANGE)).toEqual({ code: 0, rules: [] });
  });

  it("fails on a capability outside exchange/ reaching into a provider's exchange folder", async () => {
    const result = await check({
      ...EXCHANGE,
      'src/refresh/refresh.module.ts':
        "import { MaskinportenExchange } from '../exchange/maskinporten/maskinporten-exchange';\nexport class RefreshModule { e = MaskinportenExchange; }\n",
    });
    expect(result.code).not.toBe(0);
    expect(result.rules).toEqual(['no-reach-into-endpoints']);
  });

  it("fails on exchange/shared/ importing a provider's folder, which would make a cycle", async () => {
    const result = await check({
      ...EXCHANGE,
      'src/exchange/shared/token-audiences.ts':
        "import { MaskinportenModule } from '../maskinporten/maskinporten.module';\nexport class TokenAudiences { m = MaskinportenModule; }\n",
    });
    expect(result.code).not.toBe(0);
    expect(result.rules).toContain('no-folder-cycle');
  });

  /** The login on top of the ID-porten exchange, and the root handing the login's grants to POST /token. */
  const LOGIN = {
    ...EXCHANGE,
    'src/app.module.ts':
      "import { ExchangeModule } from './exchange/exchange.module';\nimport { TokenGrantsModule } from './token-grants.module';\nexport const APP = [ExchangeModule, TokenGrantsModule];\n",
    'src/token-grants.module.ts':
      "import { LoginGrants } from './login/login-grants';\nimport { TOKEN_GRANTS } from './exchange/shared/token-grants';\nexport class TokenGrantsModule { p = [LoginGrants, TOKEN_GRANTS]; }\n",
    'src/exchange/shared/token-grants.ts': "export const TOKEN_GRANTS = 'TOKEN_GRANTS';\n",
    'src/exchange/token-endpoint/token.controller.ts':
      "import { TOKEN_GRANTS } from '../shared/token-grants';\nimport { IdportenExchange } from '../idporten/idporten-exchange';\nexport class TokenController { g = TOKEN_GRANTS; e = IdportenExchange; }\n",
    'src/exchange/idporten/idporten-exchange.ts':
      "import { TokenAudiences } from '../shared/token-audiences';\nexport class IdportenExchange { a = TokenAudiences; }\n",
    'src/login/login-grants.ts':
      "import { IdportenExchange } from '../exchange/idporten/idporten-exchange';\nimport { TOKEN_GRANTS } from '../exchange/shared/token-grants';\nexport class LoginGrants { e = IdportenExchange; g = TOKEN_GRANTS; }\n",
  };

  it("passes the login injecting the ID-porten exchange, and the root handing the login's grants to POST /token", async () => {
    expect(await check(LOGIN)).toEqual({ code: 0, rules: [] });
  });

  it('fails on the token endpoint importing the login, which imports the exchange', async () => {
    const result = await check({
      ...LOGIN,
      'src/exchange/token-endpoint/token.controller.ts':
        "import { LoginGrants } from '../../login/login-grants';\nexport class TokenController { g = LoginGrants; }\n",
    });
    expect(result.code).not.toBe(0);
    expect(result.rules).toEqual(['exchange-knows-no-login']);
  });

  it('fails on the login reaching into an endpoint folder other than the ID-porten exchange', async () => {
    const result = await check({
      ...LOGIN,
      'src/login/login-grants.ts':
        "import { MaskinportenExchange } from '../exchange/maskinporten/maskinporten-exchange';\nexport class LoginGrants { e = MaskinportenExchange; }\n",
    });
    expect(result.code).not.toBe(0);
    expect(result.rules).toEqual(['login-uses-only-the-idporten-exchange']);
  });

  it('fails on a controller imported from outside its folder', async () => {
    const result = await check({
      ...SOUND,
      'src/health/health.controller.ts': 'export class HealthController {}\n',
      'src/keys/probe.ts': "import { HealthController } from '../health/health.controller';\nexport const probe = HealthController;\n",
    });
    expect(result.code).not.toBe(0);
    expect(result.rules).toEqual(['no-reach-into-controllers', 'no-reach-into-endpoints']);
  });
});
