// The Remote client never hangs: a server that accepts connections and never answers makes
// every call fail with BACKEND_UNAVAILABLE after the configured `timeout`, and a caller's
// AbortSignal stops a call before or during its request with the signal's reason.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import "../src/drivers/register/all.ts";
import { createServer, type Server, type Socket } from "node:net";
import { BackendError, createObjectStoreInstance, InvalidInputError, type ObjectStore } from "../mod.ts";
import { createApp } from "../src/http/app.ts";
import { remoteDriver } from "../src/drivers/remote.ts";
import { expectError } from "./conformance/mod.ts";
import { serveHandler } from "./http-live.ts";

/** A TCP server on 127.0.0.1 that accepts every connection, reads it, and never answers. */
let hanging: Server;
let hangingUrl: string;
const sockets = new Set<Socket>();
let connections = 0;
let requests = 0;
// A server that answers, for the cases that need real reads and commits.
let live: Awaited<ReturnType<typeof serveHandler>>;
let local: ObjectStore;

beforeAll(async () => {
  hanging = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("data", (chunk) => void (requests += String(chunk).match(/^(GET|POST) \//gm)?.length ?? 0));
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
  hangingUrl = `http://127.0.0.1:${(hanging.address() as { port: number }).port}`;
  local = createObjectStoreInstance();
  const app = createApp(local);
  live = await serveHandler((request) => app.fetch(request));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => hanging.close(() => resolve()));
  await live.close();
});

const silent = (timeout?: number) => createObjectStoreInstance({ Type: "Remote", url: hangingUrl, ...(timeout === undefined ? {} : { timeout }) });

/** Awaits `action`, returning what it rejected with and how long that took. */
async function timed(action: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const start = performance.now();
  try {
    await action();
  } catch (error) {
    return { error, ms: performance.now() - start };
  }
  throw new Error("expected a rejection, but the call resolved");
}

describe("Remote timeout against a server that never answers", () => {
  test("get, page, scan, types and transaction fail with BACKEND_UNAVAILABLE after the timeout, without retrying", async () => {
    const store = silent(300);
    const calls: [string, () => Promise<unknown>][] = [
      ["get", () => store.get("T", "k")],
      ["page", () => store.page("T")],
      ["scan", async () => { for await (const _ of store.scan("T")); }],
      ["types", () => store.types()],
      ["transaction (read)", () => store.transaction(async (tx) => tx.get("T", "k"))],
      ["transaction (commit)", () => store.transaction(async (tx) => void (await tx.truncate("T")))],
    ];
    for (const [name, call] of calls) {
      const before = requests;
      const { error, ms } = await timed(call);
      expect([name, error instanceof BackendError, (error as BackendError).code]).toEqual([name, true, "BACKEND_UNAVAILABLE"]);
      expect([name, (error as Error).message]).toEqual([name, expect.stringContaining("did not answer within 300 ms")]);
      // It waited for the answer, but not forever, and made at most one request (a timeout is not
      // retried; on a loaded machine the request may not even have been sent in 300 ms).
      expect([name, ms >= 250, ms < 5_000, requests - before <= 1]).toEqual([name, true, true, true]);
    }
    await store.close();
  });

  test("the default timeout is 30 s (the config fills it in); the driver refuses a bad one", async () => {
    const store = silent();
    // Not waited for here: the caller's signal ends the call long before.
    const { error, ms } = await timed(() => store.get("T", "k", { signal: AbortSignal.timeout(200) }));
    expect((error as Error).name).toBe("TimeoutError");
    expect(ms).toBeLessThan(5_000);
    for (const timeout of [0, -5, 1.5, Number.NaN, 2 ** 31]) {
      expect(() => remoteDriver({ url: hangingUrl, timeout })).toThrow(InvalidInputError);
    }
  });
});

describe("Remote AbortSignal", () => {
  test("an aborted signal rejects with its reason before any request", async () => {
    const store = silent(30_000);
    const reason = new Error("not needed any more");
    const before = connections;
    const signal = AbortSignal.abort(reason);
    for (const call of [() => store.get("T", "k", { signal }), () => store.page("T", { signal }), () => store.transaction(async () => 1, { signal })]) {
      expect((await timed(call)).error).toBe(reason);
    }
    expect(connections).toBe(before);
  });

  test("a signal aborted during a request rejects with its reason at once (get, page, scan, transaction)", async () => {
    const store = silent(30_000);
    const calls: ((signal: AbortSignal) => Promise<unknown>)[] = [
      (signal) => store.get("T", "k", { signal }),
      (signal) => store.page("T", { signal }),
      async (signal) => { for await (const _ of store.scan("T", { signal })); },
      (signal) => store.transaction(async (tx) => tx.get("T", "k"), { signal }),
    ];
    for (const call of calls) {
      const controller = new AbortController();
      const before = connections;
      const pending = timed(() => call(controller.signal));
      while (connections === before) await new Promise((r) => setTimeout(r, 5)); // the request is on the wire
      const reason = { why: "user cancelled" };
      controller.abort(reason);
      const { error, ms } = await pending;
      expect(error).toBe(reason);
      expect(ms).toBeLessThan(5_000);
    }
  });

  test("the caller's signal and the timeout reach fetch itself, so the request is abandoned", async () => {
    const seen: AbortSignal[] = [];
    const never: typeof fetch = (_input, init) => {
      seen.push(init!.signal!);
      return new Promise((_resolve, reject) => init!.signal!.addEventListener("abort", () => reject(init!.signal!.reason)));
    };
    const driver = remoteDriver({ url: "http://127.0.0.1:9", fetch: never, timeout: 100 });
    const controller = new AbortController();
    const pending = timed(() => driver.get("T", "k", { signal: controller.signal }));
    controller.abort("stop");
    expect((await pending).error).toBe("stop");
    expect(seen[0]!.aborted).toBe(true);
    const { error } = await timed(() => driver.types());
    expect((error as BackendError).code).toBe("BACKEND_UNAVAILABLE");
    expect(seen[1]!.aborted).toBe(true);
    expect(seen).toHaveLength(2);
  });

  test("an aborted transaction commits nothing; one that was not aborted commits", async () => {
    const store = createObjectStoreInstance({ Type: "Remote", url: live.url, timeout: 5_000 });
    await store.save("Tx", "a", 1);
    const controller = new AbortController();
    let reached = false;
    const running = store.transaction(async (tx) => {
      await tx.save("Tx", "a", 2, "1");
      await tx.save("Tx", "b", 1);
      reached = true;
      await new Promise((r) => setTimeout(r, 200));
      return "finished";
    }, { signal: controller.signal });
    while (!reached) await new Promise((r) => setTimeout(r, 5));
    controller.abort(new Error("cancel"));
    expect(String((await timed(() => running)).error)).toContain("cancel");
    await new Promise((r) => setTimeout(r, 300)); // fn has finished meanwhile: still nothing committed
    expect(await local.get("Tx", "a")).toMatchObject({ value: 1, version: "1" });
    expect(await local.get("Tx", "b")).toBeUndefined();

    const ok = await store.transaction(async (tx) => (await tx.save("Tx", "b", 1)).version, { signal: new AbortController().signal });
    expect(ok).toBe("1");
    expect((await local.get("Tx", "b"))?.value).toBe(1);
    await store.close();
  });
});
