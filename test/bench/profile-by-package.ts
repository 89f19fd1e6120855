/**
 * Groups a V8 CPU profile (`node --cpu-prof`, e.g. BENCH_PROFILE_DIR of side-by-side.ts) by package: self time
 * of every sampled function, summed per package (Prisma client and adapter, Pothos, graphql-js, yoga, pg, our code,
 * Node internals, GC). Prints the groups and the top functions.
 * Usage: npx tsx test/bench/profile-by-package.ts <file.cpuprofile> [top functions, default 25]
 * (--cpu-prof writes one file per thread: the main thread's is the large one, `….0.001.cpuprofile`.)
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const GROUPS: [RegExp, string][] = [
  [/\/src\/generated\//, "Prisma client (generated + runtime)"],
  [/node_modules\/(@prisma\/client|\.prisma)\//, "Prisma client (generated + runtime)"],
  [/node_modules\/@prisma\/adapter-pg\//, "Prisma adapter-pg"],
  [/node_modules\/@prisma\/driver-adapter-utils\//, "Prisma adapter-pg"],
  [/node_modules\/@prisma\//, "Prisma (other)"],
  [/node_modules\/(pg|pg-protocol|pg-types|postgres-[a-z]+|pg-pool)\//, "pg"],
  [/node_modules\/@pothos\//, "Pothos"],
  [/node_modules\/graphql\//, "graphql-js"],
  [/node_modules\/(graphql-yoga|@graphql-yoga|@whatwg-node|@envelop|@graphql-tools|urlpattern-polyfill)\//, "yoga (+ whatwg-node, envelop)"],
  [/node_modules\/(pino|sonic-boom)/, "pino"],
  [/node_modules\/(tsx|esbuild)\//, "tsx (module loading)"],
  [/node_modules\/([^/]+)\//, "other packages"],
  [/\/src\//, "our code (src/)"],
  [/^node:|^internal\//, "Node internals (http, streams, …)"],
];

function group(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) {
    if (functionName === "(garbage collector)") return "GC";
    if (functionName === "(idle)") return "(idle)";
    if (functionName === "(program)") return "(program: V8/native)";
    return "native / builtins";
  }
  for (const [re, name] of GROUPS) if (re.test(url)) return name === "other packages" ? `other: ${/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)![1]}` : name;
  return "other";
}

const file = process.argv[2];
if (!file) throw new Error("usage: profile-by-package.ts <file.cpuprofile> [top]");
const top = Number(process.argv[3] ?? 25);
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

const groups = new Map<string, number>();
const functions = new Map<string, number>();
let total = 0;
for (const [id, us] of selfUs) {
  const node = byId.get(id)!;
  const g = group(node);
  if (g === "(idle)") continue;
  total += us;
  groups.set(g, (groups.get(g) ?? 0) + us);
  const where = node.callFrame.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*?\/src\//, "src/");
  const fn = `${node.callFrame.functionName || "(anonymous)"}  ${where}:${node.callFrame.lineNumber + 1}`;
  functions.set(fn, (functions.get(fn) ?? 0) + us);
}

const ms = (us: number) => (us / 1000).toFixed(0).padStart(7);
const share = (us: number) => ((100 * us) / total).toFixed(1).padStart(5);
console.log(`${file}: ${(total / 1000).toFixed(0)} ms busy (idle excluded)\n\nself time by package`);
for (const [g, us] of [...groups].sort((a, b) => b[1] - a[1])) console.log(`${ms(us)} ms ${share(us)} %  ${g}`);
console.log(`\ntop ${top} functions by self time`);
for (const [fn, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)} ms ${share(us)} %  ${fn}`);
