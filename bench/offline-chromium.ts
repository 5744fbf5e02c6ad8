// The Offline store in Chromium against a local objstore API (the examples/offline page):
// initial sync of 10,000 objects, a re-sync with 1% changed, queueing and replaying 1,000
// writes, and a page over the replica. The peer, in the same page and run, is a plain Remote
// store's traffic sent with fetch: the whole type read by key-ordered batches of 500
// (`POST /api/query`, as Remote's scan), 1,000 saves of one request each (`POST /api/transactions`,
// as Remote's save) and the same page from the server.
//   .tools/node_modules/.bin/bun bench/offline-chromium.ts [objects]
import { startOfflineRig } from "../test/browser/offline-rig.ts";

declare const notes: {
  sync(): Promise<void>;
  create(text: string, key?: string): Promise<string>;
  page(params: Record<string, unknown>): Promise<{ total: number; keys: string[] }>;
  status(): { pending: number };
};

const N = Number(process.argv[2] ?? 10_000);
const rig = await startOfflineRig();
const row = (what: string, t: number, extra = "") => console.log(`| ${what} | ${(t / 1000).toFixed(2)} s | ${rig.traffic.requests} | ${(rig.traffic.bytes / 1024).toFixed(0)} KiB | ${extra} |`);
try {
  for (let i = 0; i < N; i += 500) {
    await rig.server.transaction(async (tx) => {
      for (let j = i; j < Math.min(N, i + 500); j++) await tx.save("Note", `n${String(j).padStart(6, "0")}`, { text: `note ${j} ${"lorem ipsum ".repeat(8)}`, at: new Date(Date.UTC(2024, 0, 1) + j * 1000).toISOString() });
    });
  }
  // Seeded objects must be older than the re-sync's overlap window (5 s before the watermark).
  await new Promise((resolve) => setTimeout(resolve, 5_500));
  const page = await rig.openPage(`bench-${Date.now()}`);
  console.log(`${N} objects; Chromium ${rig.context.browser()?.version() ?? ""}\n\n| step | time | requests | response bytes | |\n|---|---|---|---|---|`);

  rig.resetTraffic();
  let t = performance.now();
  await page.evaluate(() => notes.sync());
  row(`initial sync of ${N}`, performance.now() - t);

  rig.resetTraffic();
  t = performance.now();
  const read = await page.evaluate(async (api) => {
    let count = 0;
    for (let after: string | undefined; ;) {
      const body = { type: "Note", terms: [], sort: [], offset: 0, limit: 500, count: false, ...(after === undefined ? {} : { after: { key: after, values: [] } }) };
      const { items } = await (await fetch(`${api}/api/query`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json() as { items: { key: string }[] };
      count += items.length;
      if (items.length < 500) return count;
      after = items[items.length - 1]!.key;
    }
  }, rig.api);
  row(`peer: plain Remote reads all ${read} (scan)`, performance.now() - t);

  const changed = Math.round(N / 100);
  for (let i = 0; i < changed; i++) {
    const key = `n${String(i * 97 % N).padStart(6, "0")}`;
    if (i % 5 === 0) await rig.server.remove("Note", key, { ignoreMissing: true });
    else if (i % 5 === 1) await rig.server.save("Note", `new${i}`, { text: "new", at: new Date().toISOString() });
    else await rig.server.update("Note", key, (v) => ({ ...(v as object), text: `edited ${i}` }));
  }
  rig.resetTraffic();
  t = performance.now();
  await page.evaluate(() => notes.sync());
  row(`re-sync, ${changed} changed (1%)`, performance.now() - t);

  rig.resetTraffic();
  t = performance.now();
  await page.evaluate(() => notes.sync());
  row("re-sync, nothing changed", performance.now() - t);

  // 1,000 notes created with the server stopped: 500 with the page drawing its list of 100
  // notes after each (as a user sees it), 500 with the page hidden (no layout), so the store's
  // own cost shows.
  await rig.stopApi();
  let tried = 0;
  const count = (request: { url(): string }) => void (request.url().startsWith(rig.api) && tried++);
  page.on("request", count);
  const queue = (from: number) => page.evaluate(async (from) => {
    const t0 = performance.now();
    for (let i = from; i < from + 500; i++) await notes.create(`queued ${i}`, `q${String(i).padStart(4, "0")}`);
    return performance.now() - t0;
  }, from);
  const drawn = await queue(0);
  await page.evaluate(() => void (document.body.style.display = "none"));
  const hidden = await queue(500);
  await page.evaluate(() => void (document.body.style.display = ""));
  page.off("request", count);
  console.log(`| queue 500 writes offline, page drawn | ${(drawn / 1000).toFixed(2)} s | ${tried} tried | | ${(drawn / 500).toFixed(1)} ms a write |`);
  console.log(`| queue 500 more, page hidden | ${(hidden / 1000).toFixed(2)} s | | | ${(hidden / 500).toFixed(1)} ms a write; ${(await page.evaluate(() => notes.status())).pending} pending |`);
  rig.startApi();
  rig.resetTraffic();
  t = performance.now();
  await page.evaluate(() => notes.sync());
  row("replay of 1,000 queued writes (+ pull)", performance.now() - t, `${rig.traffic.commits} commits`);

  rig.resetTraffic();
  t = performance.now();
  await page.evaluate(async (api) => {
    for (let i = 0; i < 1000; i++) {
      const at = new Date().toISOString();
      const write = { op: "put", type: "Note", key: `p${String(i).padStart(4, "0")}`, expect: { absent: true }, record: { value: { text: `peer ${i}`, at }, version: "1", created: at, updated: at } };
      const response = await fetch(`${api}/api/transactions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ writes: [write] }) });
      if (!response.ok) throw new Error(`peer save ${i}: ${response.status}`);
      await response.body?.cancel();
    }
  }, rig.api);
  row("peer: plain Remote, 1,000 saves online", performance.now() - t);
  // The replica takes the peer's saves too, so both sides page the same objects.
  await page.evaluate(() => notes.sync());

  const params = { query: "note 5", sort: "text:desc", pagesize: 20, offset: 40 };
  const rounds = 20;
  const local = await page.evaluate(async ({ params, rounds }) => {
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) await notes.page(params);
    return (performance.now() - t0) / rounds;
  }, { params, rounds });
  const remote = await page.evaluate(async ({ api, params, rounds }) => {
    const q = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) await (await fetch(`${api}/api/objects/Note?${q}`)).json();
    return (performance.now() - t0) / rounds;
  }, { api: rig.api, params, rounds });
  const total = (await page.evaluate(() => notes.page({ pagesize: 1 }))).total;
  console.log(`\npage ${JSON.stringify(params)} of ${total} objects, mean of ${rounds}: replica (IndexedDB) ${local.toFixed(1)} ms, server (HTTP, Memory store) ${remote.toFixed(1)} ms`);
} finally {
  await rig.close();
}
