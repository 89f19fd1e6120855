/**
 * The fuzz client (test/fuzz/client.ts) against small local HTTP servers: a keep-alive socket the server closed
 * before the next request is retried once on a new connection and counted; a server fault is never hidden — a
 * connection reset on a new connection, an answer cut short, or a server that is gone all fail the request.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { httpClient } from "./client.js";

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.closeAllConnections(), s.close();
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const get = (path: string) => ({ method: "GET", path, headers: {} });

describe("fuzz client", () => {
  it("a reused socket the server closes as the next request arrives: sent again on a new connection, counted", async () => {
    const requestsOn = new WeakMap<object, number>();
    const url = await listen((req, res) => {
      const n = (requestsOn.get(req.socket) ?? 0) + 1;
      requestsOn.set(req.socket, n);
      // the keep-alive race: the server drops an idle connection just as the client sends on it
      if (n === 2) return void req.socket.destroy();
      res.end(`answer ${req.url}`);
    });
    const client = httpClient(url, 1);
    expect(await client.send(get("/first"))).toEqual({ status: 200, text: "answer /first" });
    expect(await client.send(get("/second"))).toEqual({ status: 200, text: "answer /second" });
    expect(client.staleRetries).toEqual([expect.objectContaining({ method: "GET", path: "/second", code: "ECONNRESET" })]);
    client.close();
  });

  it("a server that resets every connection on a request fails it (a new connection is not retried)", async () => {
    const url = await listen((req, res) => (req.url === "/crash" ? req.socket.destroy() : res.end("ok")));
    const client = httpClient(url, 1);
    expect((await client.send(get("/warm"))).text).toBe("ok"); // the next request goes out on a reused socket
    await expect(client.send(get("/crash"))).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(client.staleRetries).toHaveLength(1); // the first reset was on a reused socket: retried once, then failed
    client.close();
  });

  it("an answer cut short fails; a server that is gone fails", async () => {
    const url = await listen((_req, res) => {
      res.writeHead(200, { "content-length": "100" });
      res.write("partial");
      setTimeout(() => res.destroy(), 10);
    });
    const client = httpClient(url, 1);
    await expect(client.send(get("/"))).rejects.toThrow();
    expect(client.staleRetries).toHaveLength(0);
    for (const s of servers.splice(0)) s.closeAllConnections(), s.close();
    await expect(client.send(get("/"))).rejects.toThrow(/ECONNREFUSED/);
    client.close();
  });
});
