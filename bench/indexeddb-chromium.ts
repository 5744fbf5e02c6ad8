// Timings of the IndexedDB driver in Debian's Chromium (headless, fresh profile).
//   .tools/node_modules/.bin/bun bench/indexeddb-chromium.ts [objects=5000]
// Needs /usr/bin/chromium (apt-get install -y chromium). The work runs in the page
// (test/browser/measure.ts); this prints ms per operation.
import { startBrowserSession } from "../test/browser/chromium.ts";
import type { Timing } from "../test/browser/measure.ts";

const n = Number(process.argv[2] ?? 5000);
const session = await startBrowserSession();
try {
  const timings = await session.page.evaluate(
    (count) => (globalThis as unknown as { objstoreTests: { measure(db: string, n: number): Promise<Timing[]> } }).objstoreTests.measure("bench", count),
    n,
  );
  const version = session.context.browser()?.version() ?? (await session.page.evaluate(() => navigator.userAgent));
  console.log(`IndexedDB driver in Chromium (${version}), ${n} objects of ~250 bytes`);
  for (const t of timings) console.log(`${t.what.padEnd(48)} ${(t.ms / t.times).toFixed(3).padStart(10)} ms/op  (${t.times}x, ${t.ms.toFixed(0)} ms)`);
} finally {
  await session.close();
}
