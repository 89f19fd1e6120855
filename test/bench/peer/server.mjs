// PostGraphile 5 in library mode over the benchmark's database (spawned by test/bench/side-by-side.ts).
// Prints {"port": n} once listening. Env: DATABASE_URL, POOL_SIZE (default 10, like the service's pool).
import "./node20.mjs"; // first: evaluated before PostGraphile's modules
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

const pgl = postgraphile({
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL, poolConfig: { max: Number(process.env.POOL_SIZE ?? 10) }, schemas: ["public"] })],
  grafserv: { graphiql: false, watch: false },
  grafast: { explain: false },
});
const serv = pgl.createServ(grafserv);
const server = createServer();
serv.addTo(server);
await serv.ready?.();
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
const stop = async () => {
  server.close();
  await pgl.release();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
