// What both benchmarks share: the emulator's Stripe, signed precancels from
// addresses of their own, and timed runs at a given concurrency.
import { createHmac } from "node:crypto";
import http from "node:http";

export const BASE = process.env.HOLDFAST_URL;
export const EMULATOR = process.env.EMULATOR_URL;
export const KEY = process.env.EMULATOR_KEY;
export const ROOT = new URL("../../", import.meta.url).pathname;

export async function stripe(method, path, form) {
  const r = await fetch(EMULATOR + path, {
    method, headers: { authorization: `Bearer ${KEY}`, "content-type": "application/x-www-form-urlencoded" },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status}`);
  return r.json();
}

export async function subscription() {
  const cus = await stripe("POST", "/v1/customers", { email: "bench@example.com", name: "Bench Mark" });
  const tok = await stripe("POST", "/v1/tokens", { "card[number]": "4242424242424242", "card[exp_month]": "12", "card[exp_year]": "2034", "card[cvc]": "123" });
  await stripe("POST", `/v1/customers/${cus.id}/sources`, { source: tok.id });
  return (await stripe("POST", "/v1/subscriptions", { customer: cus.id, "items[0][plan]": "snack_monthly" })).id;
}

// The timed calls go out through node:http on kept-alive connections, not
// fetch: node's fetch (undici) spends ~2.5 ms of CPU a request, a third of a
// core at concurrency 64 on a 2-core machine, taken from the very servers
// being measured; node:http spends ~1 ms. The answer is read whole before
// the promise settles, and offers what the benchmarks read of a Response.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
export function request(url, { method = "GET", headers = {}, body } = {}) {
  return new Promise((settle, fail) => {
    const req = http.request(url, { method, headers: body ? { ...headers, "content-length": Buffer.byteLength(body) } : headers, agent }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("error", fail);
      res.on("end", () => {
        const buf = Buffer.concat(chunks);
        settle({
          ok: res.statusCode >= 200 && res.statusCode < 300,
          status: res.statusCode,
          headers: { get: (name) => res.headers[name.toLowerCase()] ?? null },
          arrayBuffer: async () => buf,
          text: async () => buf.toString("utf8"),
          json: async () => JSON.parse(buf.toString("utf8")),
        });
      });
    });
    req.on("error", fail);
    req.end(body);
  });
}

// Each precancel from an address of its own, as customers are: one client
// is allowed 30 a minute.
let customers = 0;
export function precancel(app, secret, sub) {
  const n = ++customers;
  return request(`${BASE}/precancel`, {
    method: "POST", headers: { "content-type": "application/json", "cf-connecting-ip": `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` },
    body: JSON.stringify({ app_id: app, subscription_id: sub, auth_hash: createHmac("sha256", secret).update(sub).digest("hex") }),
  });
}

// The call precancel makes, with the same expansions.
export const STRIPE_CALL = (sub) => `${EMULATOR}/v1/subscriptions/${sub}?expand%5B%5D=customer&expand%5B%5D=items.data.price.product&expand%5B%5D=discounts.source.coupon`;
export const stripeCall = (sub) => request(STRIPE_CALL(sub), { headers: { authorization: `Bearer ${KEY}` } });

export async function timed(f) {
  const t = performance.now();
  const r = await f();
  if (!r.ok) throw new Error(`status ${r.status}`);
  await r.arrayBuffer();
  return performance.now() - t;
}

/// `total` calls at `concurrency` at a time; latencies in ms, sorted.
export async function run(total, concurrency, call) {
  const out = [];
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const i = next++;
      out.push(await timed(() => call(i)));
    }
  }));
  return out.sort((a, b) => a - b);
}

/// Stripe's own answer time, added by the emulator when `stripeMs` > 0.
export async function setLatency(stripeMs) {
  await fetch(`${EMULATOR}/_config/latency`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ms: stripeMs }) });
}

export const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
export const ms = (x) => `${x.toFixed(1)} ms`;
