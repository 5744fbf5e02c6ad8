// The Offline store in Chromium against a local objstore API (the examples/offline page):
// initial sync of 10,000 objects, a re-sync with 1% changed, a replay of 1,000 queued writes,
// and a page over the replica vs the same page from the server.
//   .tools/node_modules/bun/bin/bun.exe bench/offline-chromium.ts [objects]
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

  await rig.stopApi();
  t = performance.now();
  await page.evaluate(async () => {
    for (let i = 0; i < 1000; i++) await notes.create(`queued ${i}`, `q${String(i).padStart(4, "0")}`);
  });
  const queued = performance.now() - t;
  rig.startApi();
  rig.resetTraffic();
  t = performance.now();
  await page.evaluate(() => notes.sync());
  row("replay of 1,000 queued writes (+ pull)", performance.now() - t, `queueing them offline took ${(queued / 1000).toFixed(2)} s`);

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
  console.log(`\npage ${JSON.stringify(params)} of ${N + 1000} objects, mean of ${rounds}: replica (IndexedDB) ${local.toFixed(1)} ms, server (HTTP, Memory store) ${remote.toFixed(1)} ms`);
} finally {
  await rig.close();
}
