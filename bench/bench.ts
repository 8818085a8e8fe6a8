// npm run bench [-- --smoke | --scale | --soak] [--only=ceiling,maskinporten] [--connections=16,64] [--cpu-prof]
//   [--service=<checkout>]: measure another checkout's build (its dist/) in the same run set-up, to
//   interleave before and after builds of a change on a shared machine.
//   [--trace-ratio=0.1]: the service with tracing on, sampling that ratio, exporting to a collector stand-in.
// Measures the exchange against a ceiling measured in the same run on the same machine: see README.
import { ChildProcess, execSync, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { importJWK, SignJWT, type JWK } from 'jose';
import { Client } from 'pg';
import { projectRoot } from '../src/config/project-root';
import { openDataSource } from '../src/database/open-data-source';
import { ENTITIES } from '../src/entities';
import type { LoadRequest, LoadResult } from './load';

interface Profile {
  name: string;
  organisations: number;
  people: number;
  tokens: number;
  connections: number[];
  durationSeconds: number;
  warmupSeconds: number;
}

const PROFILES: Record<string, Profile> = {
  normal: {
    name: 'normal',
    organisations: 1_000,
    people: 10_000,
    tokens: 4_000,
    connections: [1, 16, 64],
    durationSeconds: 10,
    warmupSeconds: 3,
  },
  scale: {
    name: 'scale',
    organisations: 100_000,
    people: 1_000_000,
    tokens: 4_000,
    connections: [1, 16, 64],
    durationSeconds: 10,
    warmupSeconds: 3,
  },
  soak: { name: 'soak', organisations: 1_000, people: 10_000, tokens: 4_000, connections: [32], durationSeconds: 240, warmupSeconds: 20 },
  smoke: { name: 'smoke', organisations: 50, people: 200, tokens: 100, connections: [16], durationSeconds: 0.5, warmupSeconds: 0.1 },
};

const ROOT = projectRoot();
const SOAK_ROUNDS = 4;
const ISSUER = 'https://bench.invalid/authentication/api/v1/openid/';
const ENDPOINTS = {
  ceiling: '',
  'oidc-provider': '',
  'framework-floor': '',
  maskinporten: '/authentication/api/v1/exchange/maskinporten',
  idporten: '/authentication/api/v1/exchange/id-porten',
  jwks: '/authentication/api/v1/openid/.well-known/openid-configuration/jwks',
  ready: '/health/ready',
} as const;
type Endpoint = keyof typeof ENDPOINTS;
/**
 * The ceiling runs before and after the exchanges and they are compared with its mean: a machine
 * shared with others drifts by 10 % or more within a minute, and the two ceiling rows show by how much.
 */
const CASE_ORDER: Endpoint[] = ['ceiling', 'maskinporten', 'idporten', 'oidc-provider', 'framework-floor', 'ceiling', 'jwks', 'ready'];
/** Cases with their own process, compared with the ceiling like the service's exchanges. */
const PEERS = ['ceiling', 'oidc-provider', 'framework-floor'] as const;
type Peer = (typeof PEERS)[number];
const COMPARED: Endpoint[] = ['maskinporten', 'idporten', 'oidc-provider', 'framework-floor'];
/** The peer's client, authenticated with client_secret_basic, and the form of its token-exchange request. */
const PEER_CLIENT = { id: 'bench-client', secret: randomBytes(24).toString('base64url') };
const PEER_FORM = {
  body: `grant_type=${encodeURIComponent('urn:ietf:params:oauth:grant-type:token-exchange')}&subject_token_type=${encodeURIComponent('urn:ietf:params:oauth:token-type:access_token')}&subject_token=`,
  authorization: `Basic ${Buffer.from(`${PEER_CLIENT.id}:${PEER_CLIENT.secret}`).toString('base64')}`,
};

interface CaseResult extends LoadResult {
  endpoint: Endpoint;
  connections: number;
  rssMb: number;
  cpuPercent: number;
  /**
   * CPU time (user + system, all threads) the measured process spent per request answered, warm-up
   * included: unlike req/s, barely moved by other work on the machine, so two builds compare on a busy one.
   */
  cpuMicrosPerRequest: number;
  /** The same, by thread kind (main, pool, v8, other). */
  cpuMicrosByThread: Record<string, number>;
  /** Busy share of all cores during the case: near 100 means the machine, not the service, is the limit. */
  machineCpuPercent: number;
  ofCeiling?: number;
}

/** The value of `--name=value`, split at commas. */
function listOption(name: string): string[] | undefined {
  return process.argv
    .find((a) => a.startsWith(`--${name}=`))
    ?.slice(name.length + 3)
    .split(',');
}

function forkChild<T>(script: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; first: T }> {
  const child = fork(join(__dirname, script), [], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (first) => resolve({ child, first: first as T }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

function ask<T>(child: ChildProcess, message: unknown): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (answer) => resolve(answer as T));
    child.send(message as never);
  });
}

/** Busy and total CPU ticks of the whole machine, from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const ticks = values.map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  return { busy: total - ticks[3] - (ticks[4] ?? 0), total };
}

/** The kernel's clock ticks per second (USER_HZ), the unit of /proc/<pid>/stat's CPU times. */
const CLOCK_TICKS = Number(execSync('getconf CLK_TCK', { encoding: 'utf8' }).trim()) || 100;

/** Resident memory (MB) and CPU ticks (user + system) of a process, from /proc. */
function processStats(pid: number): { rssMb: number; ticks: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { rssMb: Math.round(rssKb / 1024), ticks: Number(fields[11]) + Number(fields[12]) };
}

/**
 * CPU ticks of a process by thread kind: the main thread, libuv's pool (signing, zlib, file system),
 * V8's helpers (garbage collection, compilation) and the rest. Names as Linux shows them (`comm`).
 */
function threadTicks(pid: number): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
      const kind = tid === String(pid) ? 'main' : name.startsWith('libuv') ? 'pool' : name.startsWith('V8') ? 'v8' : 'other';
      kinds[kind] = (kinds[kind] ?? 0) + Number(fields[11]) + Number(fields[12]);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return kinds;
}

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms`);
}

async function seedDatabase(settings: { url?: string; embeddedDir: string }, people: number): Promise<void> {
  const dataSource = await openDataSource({ ...settings, migrateOnStart: true }, ENTITIES);
  try {
    for (let from = 1; from <= people; from += 100_000) {
      const to = Math.min(from + 99_999, people);
      await dataSource.query(
        `INSERT INTO parties (party_id, party_uuid, type, ssn, name)
         SELECT 60000000 + g, gen_random_uuid(), 'person', (20000000000 + g)::text, 'Person ' || g FROM generate_series(${from}, ${to}) g`,
      );
      await dataSource.query(
        `INSERT INTO users (user_id, user_name, ssn, party_id)
         SELECT 30000000 + g, '', (20000000000 + g)::text, 60000000 + g FROM generate_series(${from}, ${to}) g`,
      );
    }
  } finally {
    await dataSource.destroy();
  }
}

function organisationsFile(dir: string, count: number): string {
  const orgs: Record<string, unknown> = {};
  for (let i = 0; i < count; i++)
    orgs[`org${i}`] = {
      name: { nb: `Org ${i}`, nn: `Org ${i}`, en: `Org ${i}` },
      orgnr: String(900_000_000 + i),
      homepage: '',
      environments: ['production'],
    };
  const path = join(dir, 'orgs.json');
  writeFileSync(path, JSON.stringify({ orgs }));
  return path;
}

async function tokens(base: string, keys: Record<'maskinporten' | 'idporten', JWK>, profile: Profile) {
  const now = Math.floor(Date.now() / 1000);
  const sign = async (issuer: 'maskinporten' | 'idporten', claims: Record<string, unknown>) =>
    new SignJWT({ ...claims, iss: `${base}/${issuer}/`, iat: now, exp: now + 7200, jti: randomBytes(24).toString('base64url') })
      .setProtectedHeader({ alg: 'RS256', kid: keys[issuer].kid })
      .sign(await importJWK(keys[issuer], 'RS256'));
  const maskinporten: string[] = [];
  const idporten: string[] = [];
  for (let i = 0; i < profile.tokens; i++) {
    const orgnr = String(900_000_000 + (i % profile.organisations));
    maskinporten.push(
      await sign('maskinporten', {
        scope: 'altinn:instances.read altinn:instances.write',
        token_type: 'Bearer',
        client_id: `client-${i}`,
        client_orgno: orgnr,
        client_amr: 'private_key_jwt',
        aud: 'https://bench.invalid/',
        consumer: { authority: 'iso6523-actorid-upis', ID: `0192:${orgnr}` },
      }),
    );
    const person = 1 + ((i * 7919) % profile.people);
    idporten.push(
      await sign('idporten', {
        pid: String(20_000_000_000 + person),
        acr: 'idporten-loa-substantial',
        amr: ['BankID'],
        locale: 'nb',
        sid: `s${i}`,
        sub: `sub${i}`,
        scope: 'openid altinn:portal/enduser',
        aud: 'bench',
      }),
    );
  }
  return { maskinporten, idporten };
}

function markdown(results: CaseResult[]): string {
  const lines = [
    '| Endpoint | Conn. | req/s | of ceiling | p50 ms | p90 ms | p99 ms | errors | non-2xx | RSS MB | CPU % | CPU µs/req | machine busy |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const ratio = r.ofCeiling === undefined ? '—' : `${Math.round(r.ofCeiling * 100)} %`;
    lines.push(
      `| ${r.endpoint} | ${r.connections} | ${Math.round(r.rps)} | ${ratio} | ${r.p50} | ${r.p90} | ${r.p99} | ${r.errors} | ${r.non2xx} | ${r.rssMb} | ${r.cpuPercent} | ${r.cpuMicrosPerRequest} | ${r.machineCpuPercent} % |`,
    );
  }
  return lines.join('\n');
}

/**
 * A bounded soak: after a warm-up, rounds of load with RSS read after each. Caches and heaps warm up
 * in the first round, and RSS then swings by 10 % or more with the timing of major GCs; a leak raises
 * the floor round after round. So, against RSS after the first round, the lowest later reading may
 * not be 10 % higher, and RSS may not rise in every round to end 5 % higher.
 */
async function soak(loader: ChildProcess, pid: number, url: string, tokenSet: string[], profile: Profile): Promise<void> {
  const connections = profile.connections[0];
  const round = (durationSeconds: number) =>
    ask<LoadResult>(loader, { url, connections, durationSeconds, warmupSeconds: 0, tokens: tokenSet } satisfies LoadRequest);
  await round(profile.warmupSeconds);
  const rss = [processStats(pid).rssMb];
  const outcomes: LoadResult[] = [];
  for (let i = 0; i < SOAK_ROUNDS; i++) {
    outcomes.push(await round(profile.durationSeconds / SOAK_ROUNDS));
    rss.push(processStats(pid).rssMb);
  }
  const requests = outcomes.reduce((sum, o) => sum + o.requests, 0);
  const errors = outcomes.reduce((sum, o) => sum + o.errors + o.non2xx, 0);
  const settled = rss[1];
  const floor = (Math.min(...rss.slice(2)) - settled) / settled;
  const end = (rss[rss.length - 1] - settled) / settled;
  const risingEveryRound = rss.slice(2).every((value, i) => value > rss[i + 1]);
  console.log(
    `soak: ${requests} exchanges in ${profile.durationSeconds} s at concurrency ${connections}, ${Math.round(requests / profile.durationSeconds)} req/s, p99 ${Math.max(...outcomes.map((o) => o.p99))} ms, errors and non-2xx ${errors}`,
  );
  console.log(
    `soak: RSS ${rss.join(' → ')} MB (against the first round: lowest ${(floor * 100).toFixed(1)} %, end ${(end * 100).toFixed(1)} %${risingEveryRound ? ', rising every round' : ''})`,
  );
  if (floor >= 0.1 || (risingEveryRound && end >= 0.05) || errors > 0) {
    console.error('soak failed: RSS still growing, or requests failed');
    process.exitCode = 1;
  }
}

async function main(): Promise<void> {
  const chosen = ['smoke', 'scale', 'soak'].find((name) => process.argv.includes(`--${name}`));
  const profile = PROFILES[chosen ?? 'normal'];
  const work = mkdtempSync(join(tmpdir(), 'auth-bench-'));
  const serverUrl = process.env.DATABASE_URL;
  const database = serverUrl ? `auth_bench_${Date.now()}` : undefined;
  const cleanups: (() => Promise<unknown> | void)[] = [() => rmSync(work, { recursive: true, force: true })];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    console.log(
      `benchmark "${profile.name}": ${profile.organisations} organisations, ${profile.people} people, ${profile.tokens} distinct tokens per provider`,
    );
    const { child: upstream, first: fake } = await forkChild<{ base: string; keys: Record<'maskinporten' | 'idporten', JWK> }>(
      'upstream.js',
    );
    cleanups.push(() => void upstream.kill());

    let url: string | undefined;
    if (serverUrl && database) {
      const admin = new Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE "${database}"`);
      await admin.end();
      const parsed = new URL(serverUrl);
      parsed.pathname = `/${database}`;
      url = parsed.toString();
      cleanups.push(async () => {
        const client = new Client({ connectionString: serverUrl });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
        await client.end();
      });
    }
    const seeded = Date.now();
    await seedDatabase({ url, embeddedDir: join(work, 'data', 'pgdata') }, profile.people);
    const orgs = organisationsFile(work, profile.organisations);
    console.log(`seeded in ${Date.now() - seeded} ms`);
    const load = await tokens(fake.base, fake.keys, profile);

    // --trace-ratio=R: tracing on, exported over OTLP/HTTP (protobuf, the default) to a collector
    // stand-in in its own process, sampling R of the traces (parentbased_traceidratio).
    const traceRatio = process.argv.find((a) => a.startsWith('--trace-ratio='))?.slice('--trace-ratio='.length);
    let tracingEnv: Record<string, string> = {};
    let collector: ChildProcess | undefined;
    if (traceRatio !== undefined) {
      const forked = await forkChild<{ endpoint: string }>('collector.js');
      collector = forked.child;
      cleanups.push(() => void forked.child.kill());
      tracingEnv = {
        OTEL_EXPORTER_OTLP_ENDPOINT: forked.first.endpoint,
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: traceRatio,
      };
      console.log(`tracing on: sampling ${traceRatio} of the traces, exported to ${forked.first.endpoint}`);
    }

    const port = 3900 + Math.floor(Math.random() * 90);
    const profileDir = process.argv.includes('--cpu-prof') ? join(ROOT, 'bench', 'results', 'profiles') : undefined;
    const nodeArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
    const serviceRoot = listOption('service')?.[0] ?? ROOT;
    const service = spawn(process.execPath, [...nodeArgs, join(serviceRoot, 'dist', 'src', 'main.js')], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        RATE_LIMIT_PER_MINUTE: '0',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: join(work, 'data'),
        ...(url ? { DATABASE_URL: url } : {}),
        ISSUER_URL: ISSUER,
        KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
        MASKINPORTEN_WELL_KNOWN_URLS: `${fake.base}/maskinporten/.well-known/oauth-authorization-server`,
        IDPORTEN_WELL_KNOWN_URLS: `${fake.base}/idporten/.well-known/openid-configuration`,
        // The bindings production requires: the audiences the bench's tokens are minted for.
        MASKINPORTEN_AUDIENCE: 'https://bench.invalid/',
        IDPORTEN_AUDIENCE: 'bench',
        ORGANISATIONS_SOURCE: orgs,
        ...tracingEnv,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    cleanups.push(
      () =>
        new Promise((resolve) => (service.exitCode !== null ? resolve(null) : (service.once('exit', resolve), service.kill('SIGTERM')))),
    );
    const base = `http://127.0.0.1:${port}`;
    const started = Date.now();
    await waitReady(`${base}/health/ready`, 180_000);
    console.log(`service ready in ${Date.now() - started} ms`);

    const peers = {} as Record<Peer, { child: ChildProcess; url: string }>;
    for (const peer of PEERS) {
      const { child, first } = await forkChild<{ url: string }>(`${peer}${peer === 'oidc-provider' ? '-peer' : ''}.js`, {
        BENCH_UPSTREAM: fake.base,
        BENCH_ORGANISATIONS: orgs,
        BENCH_PEER_CLIENT: `${PEER_CLIENT.id}:${PEER_CLIENT.secret}`,
      });
      cleanups.push(() => void child.kill());
      peers[peer] = { child, url: first.url };
    }
    const loader = fork(join(__dirname, 'load.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    cleanups.push(() => void loader.kill());

    if (profile.name === 'soak') {
      await soak(loader, service.pid as number, `${base}${ENDPOINTS.maskinporten}`, load.maskinporten, profile);
      return;
    }

    const only = listOption('only');
    const levels = listOption('connections')?.map(Number) ?? profile.connections;
    const results: CaseResult[] = [];
    for (const connections of levels) {
      const level: CaseResult[] = [];
      for (const endpoint of CASE_ORDER.filter((e) => !only || only.includes(e))) {
        const peer = (PEERS as readonly string[]).includes(endpoint) ? peers[endpoint as Peer] : undefined;
        const target = peer ? peer.url : `${base}${ENDPOINTS[endpoint]}`;
        const pid = (peer ? peer.child.pid : service.pid) as number;
        const tokenSet = endpoint === 'idporten' ? load.idporten : endpoint === 'jwks' || endpoint === 'ready' ? [] : load.maskinporten;
        const before = processStats(pid);
        const threadsBefore = threadTicks(pid);
        const machineBefore = machineTicks();
        const startedAt = Date.now();
        const request: LoadRequest = {
          url: target,
          connections,
          durationSeconds: profile.durationSeconds,
          warmupSeconds: profile.warmupSeconds,
          tokens: tokenSet,
          form: endpoint === 'oidc-provider' ? PEER_FORM : undefined,
        };
        const outcome = await ask<LoadResult>(loader, request);
        const after = processStats(pid);
        const threadsAfter = threadTicks(pid);
        const served = Math.max(outcome.requests + outcome.warmupRequests, 1);
        const machineAfter = machineTicks();
        const seconds = (Date.now() - startedAt) / 1000;
        const result: CaseResult = {
          ...outcome,
          endpoint,
          connections,
          rssMb: after.rssMb,
          cpuPercent: Math.round((after.ticks - before.ticks) / seconds),
          cpuMicrosPerRequest: Math.round(((after.ticks - before.ticks) * 1e6) / CLOCK_TICKS / served),
          cpuMicrosByThread: Object.fromEntries(
            Object.entries(threadsAfter).map(([kind, ticks]) => [
              kind,
              Math.round(((ticks - (threadsBefore[kind] ?? 0)) * 1e6) / CLOCK_TICKS / served),
            ]),
          ),
          machineCpuPercent: Math.round((100 * (machineAfter.busy - machineBefore.busy)) / (machineAfter.total - machineBefore.total)),
        };
        level.push(result);
        console.log(
          `${endpoint.padEnd(15)} c=${String(connections).padStart(2)}  ${Math.round(outcome.rps)} req/s  p99 ${outcome.p99} ms  errors ${outcome.errors} non2xx ${outcome.non2xx}  CPU µs/request ${result.cpuMicrosPerRequest} (${Object.entries(
            result.cpuMicrosByThread,
          )
            .map(([kind, micros]) => `${kind} ${micros}`)
            .join(', ')})`,
        );
      }
      const ceilings = level.filter((r) => r.endpoint === 'ceiling');
      const ceilingRps = ceilings.reduce((sum, r) => sum + r.rps, 0) / (ceilings.length || 1);
      for (const r of level) if (ceilings.length > 0 && COMPARED.includes(r.endpoint)) r.ofCeiling = r.rps / ceilingRps;
      results.push(...level);
    }

    if (collector) {
      const received = await ask<{ exports: number; bytes: number }>(collector, 'count');
      console.log(`collector received ${received.exports} exports, ${Math.round(received.bytes / 1024)} KB`);
    }
    const finalRss = processStats(service.pid as number).rssMb;
    const table = markdown(results);
    const sha = (() => {
      try {
        return execSync('git rev-parse --short HEAD', { cwd: ROOT, encoding: 'utf8' }).trim();
      } catch {
        return 'unknown';
      }
    })();
    const machine = {
      cpus: cpus().length,
      model: cpus()[0]?.model,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      database: url ? 'postgresql' : 'embedded (PGlite)',
    };
    console.log(
      `\n${machine.cpus} × ${machine.model}, ${machine.memoryGb} GB, Node ${machine.node}, ${machine.database}; service RSS after the run: ${finalRss} MB\n`,
    );
    console.log(table);
    const failures = results.filter((r) => r.errors > 0 || r.non2xx > 0);
    // Only complete, unprofiled, untraced runs of this checkout are results; the others are for investigation.
    if (
      profile.name !== 'smoke' &&
      !only &&
      !profileDir &&
      levels === profile.connections &&
      serviceRoot === ROOT &&
      traceRatio === undefined
    ) {
      const file = join(
        ROOT,
        'bench',
        'results',
        `${new Date().toISOString().slice(0, 10)}-${sha}-${profile.name}-${url ? 'postgresql' : 'embedded'}.json`,
      );
      mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
      writeFileSync(
        file,
        `${JSON.stringify({ date: new Date().toISOString(), sha, profile, machine, finalRssMb: finalRss, results }, null, 2)}\n`,
      );
      console.log(`\nwritten to ${file}`);
    }
    if (failures.length > 0) {
      console.error(`\n${failures.length} case(s) had errors or non-2xx answers`);
      process.exitCode = 1;
    }
  } finally {
    await stopAll();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
