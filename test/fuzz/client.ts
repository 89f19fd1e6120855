/**
 * The fuzz client (`npm run fuzz`): HTTP/1.1 keep-alive requests to one server process, `maxSockets` at a time.
 *
 * A keep-alive socket can be closed by the server while this client is already sending the next request on it
 * (the server's keep-alive timeout, or @hono/node-server closing a connection after an answer). HTTP/1.1 leaves
 * that race to the client (RFC 9112 §9.3.1), so a request is sent again, once, on a new connection when — and
 * only when — it went out on a reused socket and that socket failed before any byte of an answer arrived
 * (`staleRetries` counts them). Everything else is thrown and counted as a transport failure by the caller: a
 * failure on a new connection (a crashed server refuses it), a reset after answer bytes, an answer cut short, no
 * answer within REQUEST_TIMEOUT_MS. There is no idle timeout on the sockets (one raced the answers: "599"s).
 */
import { Agent, request } from "node:http";
import type { Socket } from "node:net";
import type { Send } from "./drive.js";

const REQUEST_TIMEOUT_MS = 120_000;

/** A reused keep-alive socket failed before any answer byte: the request may go again on a new connection. */
class StaleSocket extends Error {}

type Req = Parameters<Send>[0];

export interface StaleRetry {
  method: string;
  path: string;
  code: string;
  /** How long the socket had been idle in the pool before this request took it. */
  idleMs: number;
  /** The previous request on that socket and its answer's status. */
  previous: string | undefined;
}

export function httpClient(base: string, maxSockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const freedAt = new WeakMap<Socket, number>();
  const previous = new WeakMap<Socket, string>();
  agent.on("free", (socket: Socket) => freedAt.set(socket, performance.now()));
  const staleRetries: StaleRetry[] = [];

  const attempt = (r: Req, via: Agent | false) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      let socket: Socket | undefined;
      let bytesAtStart = 0;
      let idleMs = 0;
      const headers = { ...r.headers, ...(r.body === undefined ? {} : { "content-length": String(Buffer.byteLength(r.body)) }) };
      const req = request(base + r.path, { method: r.method, agent: via, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          if (socket) previous.set(socket, `${res.statusCode} ${r.method} ${r.path.slice(0, 60)} ${r.body?.slice(0, 100) ?? ""}`);
          resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString() });
        });
        res.on("close", () => res.complete || reject(new Error(`answer cut short (status ${res.statusCode})`)));
      });
      req.on("socket", (s: Socket) => {
        socket = s;
        bytesAtStart = s.bytesRead;
        idleMs = performance.now() - (freedAt.get(s) ?? performance.now());
      });
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)), REQUEST_TIMEOUT_MS);
      req.on("close", () => clearTimeout(timer));
      req.on("error", (err: Error & { code?: string }) => {
        const stale = req.reusedSocket && socket?.bytesRead === bytesAtStart && (err.code === "ECONNRESET" || err.code === "EPIPE");
        if (!stale) return reject(err);
        staleRetries.push({ method: r.method, path: r.path.slice(0, 80), code: err.code!, idleMs: Math.round(idleMs), previous: socket && previous.get(socket) });
        reject(new StaleSocket(err.message, { cause: err }));
      });
      req.end(r.body);
    });

  const send: Send = (r) => attempt(r, agent).catch((err: unknown) => (err instanceof StaleSocket ? attempt(r, false) : Promise.reject(err)));
  return { send, staleRetries, close: () => agent.destroy() };
}
