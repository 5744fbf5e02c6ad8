import { beforeEach, describe, expect, test } from "bun:test";
import { createObjectStoreInstance, type ObjectStore } from "../mod.ts";
import { createApp } from "../src/http/app.ts";

let store: ObjectStore;
let app: ReturnType<typeof createApp>;
beforeEach(() => {
  store = createObjectStoreInstance();
  app = createApp(store);
});

async function post(body: unknown, path = "/api/transactions") {
  const res = await app.request(path, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as any };
}

/** A verbatim record-level commit with a replicate-scope token (what a Migrating mirror sends). */
async function replicate(body: { writes: unknown[] }) {
  const res = await createApp(store, { tokens: "rep:replicate" }).request("/api/transactions", {
    method: "POST",
    headers: { Authorization: "Bearer rep" },
    body: JSON.stringify({ ...body, verbatim: true }),
  });
  return { status: res.status, json: (await res.json()) as any };
}

describe("POST /api/transactions (DESIGN ops)", () => {
  test("saves and removes commit together; results hold each save's version", async () => {
    await store.save("T", "old", 1);
    await store.save("T", "upd", 1);
    const r = await post({
      writes: [
        { op: "save", type: "T", key: "new", value: { a: 1 } },
        { op: "save", type: "T", key: "upd", value: 2, version: "1" },
        { op: "remove", type: "T", key: "old" },
        { op: "remove", type: "T", key: "ghost", ignoreMissing: true },
        { op: "save", type: "T", key: "new", value: { a: 2 }, version: 1 },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.json.results.map((x: { version: string } | null) => x?.version ?? null)).toEqual(["1", "2", null, null, "2"]);
    expect((await store.get("T", "new"))).toMatchObject({ value: { a: 2 }, version: "2" });
    expect((await store.get("T", "upd"))?.version).toBe("2");
    expect(await store.get("T", "old")).toBeUndefined();
  });

  test("one failing write writes nothing: 409/404/412 with the write's index", async () => {
    await store.save("T", "a", 1);
    const cases: [unknown, number, string][] = [
      [{ op: "save", type: "T", key: "a", value: 2 }, 409, "OBJECT_EXISTS"],
      [{ op: "remove", type: "T", key: "zz" }, 404, "OBJECT_MISSING"],
      [{ op: "save", type: "T", key: "a", value: 2, version: "7" }, 412, "WRONG_OBJECT_VERSION"],
      [{ op: "save", type: "T", key: "b", value: 2, version: "1" }, 404, "OBJECT_MISSING"],
    ];
    for (const [bad, status, code] of cases) {
      const r = await post({ writes: [{ op: "save", type: "T", key: "fresh", value: 1 }, bad] });
      expect([status, code, 1]).toEqual([r.status, r.json.error.code, r.json.error.index]);
    }
    expect(await store.get("T", "fresh")).toBeUndefined();
    expect((await store.get("T", "a"))?.version).toBe("1");
  });

  test("malformed bodies and writes are 400 naming the problem", async () => {
    const cases: [unknown, string, RegExp][] = [
      ["not json", "INVALID_VALUE", /JSON/],
      [{}, "INVALID_ARGUMENT", /writes/],
      [{ writes: "x" }, "INVALID_ARGUMENT", /writes/],
      [{ writes: [{ op: "frobnicate", type: "T", key: "k" }] }, "INVALID_ARGUMENT", /writes\[0\]/],
      [{ writes: [{ op: "save", type: "T", key: "k" }] }, "INVALID_VALUE", /writes\[0\]\.value/],
      [{ writes: [{ op: "save", type: "T", key: "k", value: 1, version: null }] }, "INVALID_ARGUMENT", /version/],
      [{ writes: [{ op: "remove", type: "T", key: "k", ignoreMissing: "yes" }] }, "INVALID_ARGUMENT", /ignoreMissing/],
      [{ writes: [{ op: "save", type: "Bad_Type", key: "k", value: 1 }] }, "INVALID_OBJECT_TYPE", /_/],
      [{ writes: [{ op: "save", type: "T", key: "", value: 1 }] }, "INVALID_KEY", /empty/],
      [{ writes: [{ op: "save", type: "T", key: "k", value: 1 }, { op: "truncate", type: "T" }] }, "INVALID_ARGUMENT", /mixed/],
    ];
    for (const [body, code, message] of cases) {
      const r = await post(body);
      expect([JSON.stringify(body), r.status, r.json.error.code]).toEqual([JSON.stringify(body), 400, code]);
      expect(r.json.error.message).toMatch(message);
    }
    expect(await store.types()).toEqual([]);
  });
});

describe("POST /api/transactions (record-level ops of the Remote driver)", () => {
  const record = (version: string, value: unknown = 1) => ({ value, version, created: "2026-01-01T00:00:00.000Z", updated: "2026-01-01T00:00:01.000Z" });

  test("verbatim put keeps the version and stamps given; conditions are checked atomically", async () => {
    const ok = await replicate({ writes: [{ op: "put", type: "T", key: "k", expect: { absent: true }, record: record("5", { a: 1 }) }] });
    expect(ok.status).toBe(200);
    expect(await store.get("T", "k")).toEqual({ type: "T", key: "k", value: { a: 1 }, version: "5", created: "2026-01-01T00:00:00.000Z", updated: "2026-01-01T00:00:01.000Z" });
    const conflict = await replicate({
      writes: [
        { op: "put", type: "T", key: "other", expect: { absent: true }, record: record("1") },
        { op: "put", type: "T", key: "k", expect: { version: "4" }, record: record("6") },
      ],
    });
    expect(conflict.status).toBe(412);
    expect(conflict.json.error).toMatchObject({ code: "WRONG_OBJECT_VERSION", index: 1, current: "5" });
    expect(await store.get("T", "other")).toBeUndefined();
    const absent = await post({ writes: [{ op: "delete", type: "T", key: "nope", expect: { present: true } }] });
    expect(absent.json.error).toMatchObject({ index: 0, current: null });
    expect((await replicate({ writes: [{ op: "truncate", type: "T" }, { op: "put", type: "T", key: "n", expect: { absent: true }, record: record("1") }] })).status).toBe(200);
    expect((await store.page("T")).result.map((o) => o.key)).toEqual(["n"]);
  });

  test("verbatim replace: the object at version gets the record and keeps created; 412 with current otherwise; alone only", async () => {
    await store.save("T", "k", 1);
    const created = (await store.get("T", "k"))!.created;
    const replace = (version: string, key = "k") => ({ op: "replace", type: "T", key, version, record: { value: 2, version: "2", updated: "2026-01-01T00:00:01.000Z" } });
    const ok = await replicate({ writes: [replace("1")] });
    expect(ok.status).toBe(200);
    expect(ok.json.results).toEqual([{ version: "2", created, updated: "2026-01-01T00:00:01.000Z" }]);
    expect(await store.get("T", "k")).toEqual({ type: "T", key: "k", value: 2, version: "2", created, updated: "2026-01-01T00:00:01.000Z" });
    const stale = await replicate({ writes: [replace("1")] });
    expect(stale.status).toBe(412);
    expect(stale.json.error).toMatchObject({ index: 0, current: "2" });
    expect((await replicate({ writes: [replace("1", "nope")] })).json.error).toMatchObject({ index: 0, current: null });
    const mixed = await replicate({ writes: [replace("2"), { op: "truncate", type: "T" }] });
    expect(mixed.status).toBe(400);
    expect((await store.get("T", "k"))?.version).toBe("2");
  });

  test("record-level ops are validated like the store's own writes", async () => {
    const cases: unknown[] = [
      { op: "put", type: "T", key: "k", expect: { absent: true }, record: record("0") },
      { op: "put", type: "T", key: "k", expect: { absent: true }, record: { ...record("1"), created: "yesterday" } },
      { op: "put", type: "T", key: "k", expect: { nope: true }, record: record("1") },
      { op: "put", type: "T", key: "k", expect: { absent: true }, record: { version: "1", created: "2026-01-01T00:00:00.000Z", updated: "2026-01-01T00:00:00.000Z" } },
      { op: "put", type: "B__d", key: "k", expect: { absent: true }, record: record("1") },
      { op: "delete", type: "T", key: "a\u0000", expect: { any: true } },
    ];
    for (const write of cases) {
      const r = await post({ writes: [write] });
      expect([JSON.stringify(write), r.status]).toEqual([JSON.stringify(write), 400]);
    }
    const twice = await post({ writes: [{ op: "delete", type: "T", key: "k", expect: { any: true } }, { op: "delete", type: "T", key: "k", expect: { any: true } }] });
    expect(twice.json.error.message).toMatch(/one write per/);
    const late = await post({ writes: [{ op: "delete", type: "T", key: "k", expect: { any: true } }, { op: "truncate", type: "T" }] });
    expect(late.json.error.message).toMatch(/truncates must come before/);
    expect(await store.types()).toEqual([]);
  });

  test("POST /api/query runs a driver page request: terms, sort, after, offset, limit, count", async () => {
    for (let i = 0; i < 6; i++) await store.save("Q", `k${i}`, { n: i % 3, word: i < 3 ? "apple" : "pear" });
    const r = await post({ type: "Q", terms: ["apple"], sort: [{ field: "n", desc: true }], offset: 0, limit: 2, count: true }, "/api/query");
    expect(r.status).toBe(200);
    expect(r.json.total).toBe(3);
    expect(r.json.items.map((x: { key: string }) => x.key)).toEqual(["k2", "k1"]);
    const after = await post({ type: "Q", terms: [], sort: [{ field: "n", desc: false }], offset: 0, limit: 10, after: { key: "k3", values: [0] }, count: false }, "/api/query");
    expect(after.json).toMatchObject({ total: -1 });
    expect(after.json.items.map((x: { key: string }) => x.key)).toEqual(["k1", "k4", "k2", "k5"]);
    for (const bad of [{ type: "Q" }, { type: "Q", terms: [], sort: [], offset: -1, limit: 1, count: true }, { type: "Q", terms: [], sort: [], offset: 0, limit: 10_001, count: true }, { type: "Q", terms: [], sort: [], offset: 0, limit: 1, count: true, after: { key: "k", values: [1] } }]) {
      expect((await post(bad, "/api/query")).json.error.code).toBe("INVALID_ARGUMENT");
    }
  });
});
