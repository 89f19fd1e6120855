// The floor of the edge benchmark (test/bench/edge.ts): a minimal node:http server answering the same requests
// with one `pg` statement each (the side-by-side floors, test/bench/side-by-side/lists.ts), no framework, no logs.
// Env: DATABASE_URL, REST_SQL, KEYSET_SQL, HEALTH (the body of our /health). Prints {"port": n} once listening.
import { createServer } from "node:http";
import pg from "pg";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const health = Buffer.from(process.env.HEALTH ?? '{"status":"ok"}');
const send = (res, body) => {
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
};
const page = async (res, sql, values) => send(res, (await pool.query(sql, values)).rows[0].page);

const server = createServer((req, res) => {
  const fail = (err) => {
    res.writeHead(500);
    res.end(String(err));
  };
  if (req.url === "/health") return send(res, health);
  if (req.url.startsWith("/api/governance/virtual-keys")) return void page(res, process.env.REST_SQL, [0, null]).catch(fail);
  if (req.url === "/graphql") {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      JSON.parse(Buffer.concat(chunks).toString());
      void page(res, process.env.KEYSET_SQL, [null, null]).catch(fail);
    });
    return;
  }
  res.writeHead(404);
  res.end();
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
const stop = () => server.close(() => void pool.end().then(() => process.exit(0)));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
