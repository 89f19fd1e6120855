/**
 * Preloaded into the fuzzed server process (`npm run fuzz`, NODE_OPTIONS=--expose-gc --import <this file>): on
 * SIGUSR2 it runs a full GC (twice, a second apart) and writes one line `{"probe":{…}}` to stderr: process.memoryUsage() (rss, V8 heap
 * used/total, external, arrayBuffers) and the size of every WebAssembly memory, named by who instantiated it
 * (PGlite's PostgreSQL, Prisma's query compiler). A WebAssembly memory counts in `external`, not `arrayBuffers`,
 * and never shrinks. Plain JavaScript: it loads before tsx.
 */
const memories = [];

/** Who is creating a memory or an instance, from the calling modules' paths. */
function owner() {
  const stack = new Error().stack ?? "";
  return /pglite/i.test(stack) ? "pglite" : /query_compiler|@prisma/i.test(stack) ? "prisma" : "other";
}

/** Remembers the memories an instance exports (weakly). */
function track(instance, who) {
  for (const value of Object.values(instance?.exports ?? {})) {
    if (value instanceof WebAssembly.Memory) memories.push({ owner: who, memory: new WeakRef(value) });
  }
  return instance;
}

const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async (...args) => {
  const who = owner();
  const result = await instantiate.apply(WebAssembly, args);
  track(result instanceof WebAssembly.Instance ? result : result.instance, who);
  return result;
};
const Instance = WebAssembly.Instance;
WebAssembly.Instance = new Proxy(Instance, { construct: (target, args) => track(Reflect.construct(target, args), owner()) });
const Memory = WebAssembly.Memory;
WebAssembly.Memory = new Proxy(Memory, {
  construct: (target, args) => {
    const memory = Reflect.construct(target, args);
    memories.push({ owner: owner(), memory: new WeakRef(memory) });
    return memory;
  },
});

/** A full GC, a second for V8 to give the freed pages back, another full GC, then the report. */
process.on("SIGUSR2", () => {
  globalThis.gc?.();
  setTimeout(() => {
    globalThis.gc?.();
    const wasm = {};
    const seen = new Set();
    for (const { owner, memory } of memories) {
      const m = memory.deref();
      if (!m || seen.has(m)) continue;
      seen.add(m);
      wasm[owner] = (wasm[owner] ?? 0) + m.buffer.byteLength;
    }
    process.stderr.write(`${JSON.stringify({ probe: { ...process.memoryUsage(), wasm } })}\n`);
  }, 1_000);
});
