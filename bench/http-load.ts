/**
 * A bounded loopback load generator: `bun bench/http-load.ts <url> <get|put> <seconds> <concurrency> <keys>`.
 * Runs `concurrency` request loops for `seconds`, then prints one JSON line
 * {requests, errors, seconds, rps, p50, p99} (latencies in ms).
 *
 * @module
 */
const [url, mode, seconds, concurrency, keys] = process.argv.slice(2);
const base = url!;
const until = performance.now() + Number(seconds) * 1000;
const keyCount = Number(keys);
const latencies: number[] = [];
let errors = 0;
let putCounter = 0;
const body = JSON.stringify({ name: "Ann", age: 34, tags: ["a", "b"], note: "x".repeat(100) });

async function loop(worker: number) {
  while (performance.now() < until) {
    const start = performance.now();
    let res: Response;
    if (mode === "get") {
      res = await fetch(`${base}/api/objects/Bench/k${(Math.random() * keyCount) | 0}`);
    } else {
      res = await fetch(`${base}/api/objects/Bench/w${worker}-${putCounter++}`, { method: "PUT", body, headers: { "Content-Type": "application/json" } });
    }
    await res.arrayBuffer();
    if (res.status !== (mode === "get" ? 200 : 201)) errors++;
    latencies.push(performance.now() - start);
  }
}

const t0 = performance.now();
await Promise.all(Array.from({ length: Number(concurrency) }, (_, i) => loop(i)));
const elapsed = (performance.now() - t0) / 1000;
latencies.sort((a, b) => a - b);
const q = (p: number) => Number((latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0).toFixed(2));
console.log(JSON.stringify({ requests: latencies.length, errors, seconds: Number(elapsed.toFixed(2)), rps: Math.round(latencies.length / elapsed), p50: q(0.5), p99: q(0.99) }));
