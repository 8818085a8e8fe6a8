// node .bench-build/bench/profile-summary.js <file.cpuprofile> <req/s> [maskinporten|idporten]
// Where the event loop's time per exchange goes, from a `npm run bench -- --cpu-prof` profile of the
// service: the load window (first to last sample inside the exchange), each busy sample given to
// the first frame, from the leaf up, that belongs to a package or to one of our folders, then turned
// into microseconds per exchange with the throughput the bench measured (busy share × 1 s ÷ req/s).
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const SPECIAL: Record<string, string> = { '(idle)': 'idle', '(garbage collector)': 'garbage collection', '(program)': 'V8 / native' };
/** Marks a sample as part of an exchange (not the loading of its module at start-up), to find the load window. */
const EXCHANGE_FRAME = /bearer-token\.guard\.js|-exchange\.js$/;
/** With a provider named, the window is that exchange's alone: a run of several cases profiles them one after the other. */
const providerFrame = (provider: string) => new RegExp(`${provider}-exchange\\.js$`);
const EXCHANGE_FUNCTIONS = new Set(['canActivate', 'exchange']);
const SIGNING_FRAME = /jose\/dist\/webapi\/(jwt\/sign|jws\/compact\/sign|jws\/flattened\/sign|lib\/jws_sign)\.js/;

function partOf(url: string): string | undefined {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const ours = /dist\/src\/([^/]+)\//.exec(url);
  if (ours) return `src/${ours[1]}`;
  return undefined;
}

function main(): void {
  const [file, rpsText, provider] = process.argv.slice(2);
  const rps = Number(rpsText);
  if (!file || !(rps > 0)) throw new Error('usage: profile-summary <file.cpuprofile> <req/s>');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const stackOf = (id: number): ProfileNode[] => {
    const stack: ProfileNode[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at) as ProfileNode);
    return stack;
  };
  const times: number[] = [];
  let t = 0;
  for (const delta of profile.timeDeltas) times.push((t += delta));
  const frame = provider ? providerFrame(provider) : EXCHANGE_FRAME;
  const inExchange = profile.samples.map((id) =>
    stackOf(id).some((n) => EXCHANGE_FUNCTIONS.has(n.callFrame.functionName) && frame.test(n.callFrame.url)),
  );
  const first = inExchange.indexOf(true);
  const last = inExchange.lastIndexOf(true);
  if (first < 0) throw new Error('no exchange in this profile');
  const parts = new Map<string, number>();
  let total = 0;
  for (let i = first + 1; i <= last; i++) {
    const dt = times[i] - times[i - 1];
    total += dt;
    const stack = stackOf(profile.samples[i]);
    const leaf = stack[0].callFrame.functionName;
    let part = SPECIAL[leaf] ?? stack.map((n) => partOf(n.callFrame.url)).find((p) => p !== undefined) ?? `node: ${leaf || '(anonymous)'}`;
    // jose signs (through WebCrypto) and, before the KeyObject check, verified: the two are told apart.
    if (part === 'jose') part = stack.some((n) => SIGNING_FRAME.test(n.callFrame.url)) ? 'jose: sign' : 'jose: verify and decode';
    parts.set(part, (parts.get(part) ?? 0) + dt);
  }
  const busy = total - (parts.get('idle') ?? 0);
  const perExchange = (us: number) => ((us / total) * 1e6) / rps;
  console.log(
    `window ${(total / 1e6).toFixed(1)} s, main thread busy ${((100 * busy) / total).toFixed(1)} %, ${perExchange(busy).toFixed(0)} µs per exchange at ${rps} req/s`,
  );
  console.log('| part | share of busy | µs per exchange |\n|---|---:|---:|');
  const sorted = [...parts.entries()].filter(([p]) => p !== 'idle').sort((a, b) => b[1] - a[1]);
  let rest = 0;
  for (const [part, us] of sorted) {
    if (us / busy < 0.005) {
      rest += us;
      continue;
    }
    console.log(`| ${part} | ${((100 * us) / busy).toFixed(1)} % | ${perExchange(us).toFixed(0)} |`);
  }
  console.log(`| (each under 0.5 %) | ${((100 * rest) / busy).toFixed(1)} % | ${perExchange(rest).toFixed(0)} |`);
}

main();
