// The benchmark's measurements (run by scripts/bench, which starts the
// stack): precancel latency against the very Stripe call it makes, request
// counts, Lighthouse on the cancel page, and the bundles' sizes. Prints
// BENCHMARKS.md on stdout.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { cpus, totalmem, release } from "node:os";
import { gzipSync } from "node:zlib";
import { BASE, EMULATOR, ROOT, ms, pct, run, setLatency, stripeCall, subscription, precancel as signedPrecancel } from "./lib.mjs";

const APP = process.env.BENCH_APP;
const SIGN = process.env.BENCH_SIGNING_SECRET;
const precancel = (sub) => signedPrecancel(APP, SIGN, sub);

// A typical Stripe API answer time, for the emulator to add (see Method).
const STRIPE_MS = 150;

const subs = [];
for (let i = 0; i < 16; i++) subs.push(await subscription());

// Warm both paths (workerd compiles the Worker on first use).
await run(20, 4, (i) => precancel(subs[i % subs.length]));
await run(20, 4, (i) => stripeCall(subs[i % subs.length]));


const latency = [];
for (const [stripeMs, concurrency, total] of [[STRIPE_MS, 1, 200], [STRIPE_MS, 16, 800], [0, 1, 200], [0, 16, 800]]) {
  await setLatency(stripeMs);
  // Interleaved rounds, so both see the same machine state.
  const edge = [], direct = [];
  for (let round = 0; round < 4; round++) {
    edge.push(...await run(total / 4, concurrency, (i) => precancel(subs[i % subs.length])));
    direct.push(...await run(total / 4, concurrency, (i) => stripeCall(subs[i % subs.length])));
  }
  edge.sort((a, b) => a - b);
  direct.sort((a, b) => a - b);
  latency.push({ stripeMs, concurrency, total, edge: [pct(edge, 50), pct(edge, 99)], direct: [pct(direct, 50), pct(direct, 99)] });
}
await setLatency(0);

// Counts, from the edge's own header (test hooks) and the emulator's log.
async function counts(resp) {
  const h = resp.headers.get("x-holdfast-counts") || "";
  return Object.fromEntries(h.split(",").map((p) => p.trim().split("=")).map(([k, v]) => [k, Number(v)]));
}
const countSub = await subscription();
await new Promise((ok) => setTimeout(ok, 500));
const pre = await precancel(countSub);
const preCounts = await counts(pre);
const { url } = await pre.json();
const stripeCalls = (await (await fetch(`${EMULATOR}/_config/requests?path_contains=${countSub}`)).json()).length;
const token = url.split("/").pop();
await fetch(`${BASE}/api/sessions/${token}/reason`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ reason_id: "too_expensive" }) });
// The edge accepts only an offer the page has shown.
await fetch(`${BASE}/api/sessions/${token}/offers/save25/show`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
const acceptResp = await fetch(`${BASE}/api/sessions/${token}/offers/save25/accept`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
const acceptCounts = await counts(acceptResp);
const writes = (await (await fetch(`${EMULATOR}/_config/requests?path_contains=${countSub}`)).json()).filter((r) => r.method !== "GET" && r.status === 200 && !r.replayed).length;

// Lighthouse on fresh cancel pages, default (mobile, simulated) throttling:
// the median of three runs, after one visit that warms the local server.
async function lighthouse() {
  const page = (await (await precancel(await subscription())).json()).url;
  const html = await (await fetch(page)).text();
  for (const asset of html.match(/\/[\w.-]+\.(?:js|wasm)/g) ?? []) await (await fetch(BASE + asset)).arrayBuffer();
  const out = execFileSync(`${ROOT}node_modules/.bin/lighthouse`, [page, "--output=json", "--quiet",
    "--only-categories=performance,accessibility", "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
    { env: { ...process.env, CHROME_PATH: "/usr/bin/chromium" }, maxBuffer: 64 * 1024 * 1024 }).toString();
  return JSON.parse(out);
}
const runs = [await lighthouse(), await lighthouse(), await lighthouse()];
const median = (f) => runs.map(f).sort((a, b) => a - b)[1];
const lh = runs[0];
const perf = median((r) => Math.round(r.categories.performance.score * 100));
const a11y = median((r) => Math.round(r.categories.accessibility.score * 100));
const lcp = median((r) => r.audits["largest-contentful-paint"].numericValue);
const fcp = median((r) => r.audits["first-contentful-paint"].numericValue);
const lcps = runs.map((r) => Math.round(r.audits["largest-contentful-paint"].numericValue)).join(", ");
const transfer = median((r) => r.audits["total-byte-weight"].numericValue);

// Sizes of every bundle, raw and gzip level 9.
const size = (p) => { const b = readFileSync(p); return [b.length, gzipSync(b, { level: 9 }).length]; };
const files = (dir, re) => readdirSync(dir).filter((f) => re.test(f) && statSync(`${dir}/${f}`).isFile()).map((f) => `${dir}/${f}`);
const sum = (ps) => ps.map(size).reduce(([a, b], [c, d]) => [a + c, b + d], [0, 0]);
const bundles = [
  ["cancel page: wasm", sum(files(`${ROOT}dist`, /_bg\.wasm$/))],
  ["cancel page: JS (glue and loader)", sum(files(`${ROOT}dist`, /\.js$/))],
  ["cancel page: CSS", sum(files(`${ROOT}dist`, /\.css$/))],
  ["cancel page: HTML", sum([`${ROOT}dist/index.html`])],
  ["settings UI: wasm", sum(files(`${ROOT}dist/admin`, /_bg\.wasm$/))],
  ["settings UI: JS, CSS, HTML", sum(files(`${ROOT}dist/admin`, /\.(js|css|html)$/))],
  ["snippet (js/holdfast.js)", sum([`${ROOT}public/js/holdfast.js`])],
  ["Worker (wasm, JS, shim)", sum([`${ROOT}edge/build/index_bg.wasm`, `${ROOT}edge/build/index.js`, `${ROOT}edge/build/worker/shim.mjs`])],
];

const ok = (good) => (good ? "met" : "**missed**");
const budgetLines = (process.env.BENCH_BUDGETS || "").trim().split("\n").filter(Boolean);
const cpu = cpus()[0]?.model ?? "unknown";
const date = new Date().toISOString().slice(0, 10);
const lat = latency.map((l) => `| ${l.stripeMs ? `${l.stripeMs} ms` : "none"} | ${l.concurrency} | ${l.total} | ${ms(l.edge[0])} | ${ms(l.edge[1])} | ${ms(l.direct[0])} | ${ms(l.direct[1])} | ${ms(l.edge[0] - l.direct[0])} | **${(l.edge[0] / l.direct[0]).toFixed(2)}** |`).join("\n");
const ratio1 = latency[0].edge[0] / latency[0].direct[0];
const cancelGz = budgetLines.find((l) => l.startsWith("cancel page"))?.match(/(\d+) bytes/)?.[1];

console.log(`# Benchmarks

Written by \`scripts/bench\` on ${date}. Rerun it to refresh this file: it
builds in release, starts the Stripe emulator and the edge (workerd with a
local D1 database, through wrangler's own \`unstable_startWorker\`, as
\`wrangler dev\` runs it, but with its DevTools inspector and request log off:
\`scripts/serve-edge.mjs\`) on this machine, and measures everything below in
one run. \`wrangler dev\` always attaches that inspector, which records every
subrequest, each D1 call with its answer, into a debug log (about two thirds
of a precancel's local CPU), and posts a log line per request to its node
process: nothing Cloudflare runs. Sizes and counts
are the same on every run; timings vary a little.

**Machine**: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.version}.

## Budgets

| what | measured | budget | |
|---|---|---|---|
| cancel page, first load (HTML, CSS, JS, wasm; gzip -9) | ${cancelGz} bytes | 100,000 bytes | ${ok(Number(cancelGz) <= 100000)} |
| snippet, gzip | ${bundles[6][1][1]} bytes | 2,048 bytes | ${ok(bundles[6][1][1] <= 2048)} |
| Worker bundle, gzip | ${bundles[7][1][1]} bytes | 1,000,000 bytes | ${ok(bundles[7][1][1] <= 1000000)} |
| Lighthouse performance (mobile, simulated throttling) | ${perf} | ≥ 95 | ${ok(perf >= 95)} |
| largest contentful paint (median of 3: ${lcps} ms) | ${Math.round(lcp)} ms | ≤ 1,500 ms | ${ok(lcp <= 1500)} |
| Lighthouse accessibility | ${a11y} | (axe-core: no violations, in the tests) | |
| Stripe requests per precancel | ${stripeCalls} (edge counted ${preCounts.subrequests}) | 1 | ${ok(stripeCalls === 1)} |
| D1 round trips per precancel | ${preCounts.d1} | ≤ 3 | ${ok(preCounts.d1 <= 3)} |
| Stripe writes per accepted offer | ${writes} (all subrequests: ${acceptCounts.subrequests}; D1 round trips: ${acceptCounts.d1}) | 1 | ${ok(writes === 1)} |
| precancel p50 ÷ Stripe call p50, concurrency 1 (Stripe-like ${STRIPE_MS} ms) | ${ratio1.toFixed(2)} | ≤ 1.3 | ${ok(ratio1 <= 1.3)} |
| precancel p50 ÷ Stripe call p50, concurrency 16 (Stripe-like ${STRIPE_MS} ms) | ${(latency[1].edge[0] / latency[1].direct[0]).toFixed(2)} | ≤ 1.3 | ${ok(latency[1].edge[0] / latency[1].direct[0] <= 1.3)} |

First contentful paint: ${Math.round(fcp)} ms: the edge puts the first screen's heading and
message, and the stylesheet, into the HTML, so they paint before the wasm has loaded.
Lighthouse counted ${(transfer / 1024).toFixed(1)} KiB transferred for the cancel page: its own
figure, with every response's headers and \`wrangler dev\`'s own compression
(the budget above counts bodies at gzip -9, and the HTML as the edge serves it
is measured on the running stack by \`tests/api/budgets.rs\`).

## Precancel latency

Each precancel verifies the signature, makes its one Stripe call (the
subscription with customer, product and discounts expanded), and writes the
session in one D1 batch. Beside it, the very same Stripe call made directly
against the emulator, in interleaved rounds of the same run. The ratio of the
medians is the edge's overhead; 1.0 is the physical limit.

The first rows have the emulator answer in Stripe's own time (it adds
${STRIPE_MS} ms to every answer, a typical Stripe API response time); the
last rows let it answer as fast as it can, which leaves the edge's fixed cost
under workerd on its own (the "added" column): the local proxy,
workerd and the local D1's writes, paid once per request whatever Stripe's
speed.

| Stripe's time | concurrency | requests | precancel p50 | p99 | Stripe call p50 | p99 | added (p50) | p50 ratio |
|---|---|---|---|---|---|---|---|---|
${lat}

## Bundle sizes

| bundle | bytes | gzip -9 |
|---|---|---|
${bundles.map(([n, [raw, gz]]) => `| ${n} | ${raw} | ${gz} |`).join("\n")}

## Method

- Sizes: every file as built by \`scripts/build\` (release, \`opt-level = "z"\`,
  LTO, \`wasm-opt -Oz\`, esbuild-minified JS glue), compressed with gzip at
  level 9. The cancel page's first load is every file its \`index.html\` and
  its loader name. The same checks run in \`scripts/test\`
  (\`tests/budgets\`), so a regression fails CI.
- Counts: the edge counts its D1 round trips (a statement run alone, or one
  batch) and subrequests per request and reports them in
  \`x-holdfast-counts\` where \`HOLDFAST_TEST_HOOKS=1\`; the emulator logs
  every Stripe request. \`tests/api/budgets.rs\` holds them in CI.
- Latency: node:http with kept-alive connections from this machine (Node's
  fetch costs over twice its CPU, taken from the servers measured); 16
  subscriptions used in turn;
  warm-up calls first.
- Lighthouse ${lh.lighthouseVersion}: Debian's Chromium headless, default
  mobile emulation and simulated throttling, performance and accessibility;
  the median of three runs on fresh sessions.
`);
