// Shared by the browser tests: the stack's addresses, Chromium, the admin's
// sign-in, the Stripe emulator, and the e-mails the edge sent.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync, existsSync } from "node:fs";
import { chromium } from "playwright-core";

export const BASE = process.env.HOLDFAST_URL;
export const EMULATOR = process.env.EMULATOR_URL;
export const KEY = process.env.EMULATOR_KEY;
export const ARTIFACTS = process.env.HOLDFAST_ARTIFACTS || "tests/artifacts";
export const EMAIL = process.env.ADMIN_EMAIL;
export const PASSWORD = process.env.ADMIN_PASSWORD;
assert.ok(BASE && EMULATOR && KEY && EMAIL && PASSWORD, "run with scripts/test, which starts the stack");

/// Debian's Chromium, headless, reaching nothing but this machine.
export async function launch() {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"],
  });
  // The API tests usually made the admin; make it if they did not run.
  const status = await (await fetch(`${BASE}/api/admin/status`)).json();
  if (status.needs_setup) {
    const r = await fetch(`${BASE}/api/admin/setup`, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: process.env.ADMIN_SETUP_TOKEN, email: EMAIL, password: PASSWORD }),
    });
    assert.equal(r.status, 200);
  }
  return browser;
}

/// What a merchant's server sends for an app that requires timestamps
/// (every app made through the admin API, by default).
export function timedSignature(secret, subject) {
  const t = Math.floor(Date.now() / 1000);
  return { auth_timestamp: t, auth_hash: createHmac("sha256", secret).update(`${t}.${subject}`).digest("hex") };
}

export async function signIn(page) {
  await page.goto(`${BASE}/admin`);
  await page.getByLabel("Email").fill(EMAIL);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Apps" }).waitFor();
}

export async function stripe(method, path, form) {
  const r = await fetch(EMULATOR + path, {
    method, headers: { authorization: `Bearer ${KEY}`, "content-type": "application/x-www-form-urlencoded" },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  assert.ok(r.status < 300, `${method} ${path}: ${r.status}`);
  return r.json();
}

export async function newSubscription(plan = "snack_monthly", email = "grace@example.com") {
  const cus = await stripe("POST", "/v1/customers", { email, name: "Grace Hopper" });
  const tok = await stripe("POST", "/v1/tokens", { "card[number]": "4242424242424242", "card[exp_month]": "12", "card[exp_year]": "2034", "card[cvc]": "123" });
  await stripe("POST", `/v1/customers/${cus.id}/sources`, { source: tok.id });
  return (await stripe("POST", "/v1/subscriptions", { customer: cus.id, "items[0][plan]": plan })).id;
}

const AXE = await import("node:fs").then((fs) => fs.readFileSync(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url), "utf8"));

/// axe-core's violations on the page as it is now (WCAG 2.x A and AA, and
/// best practices), as "rule: selector" lines. Evaluated through the
/// DevTools protocol, which the page's CSP does not restrict.
export async function axeViolations(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")} (${v.help})`));
}

/// The e-mails wrangler dev's send_email simulation wrote to `to` (in the
/// edge's logs of this run, before and after a restart).
export function sentTo(to) {
  const state = process.env.HOLDFAST_STATE;
  const out = [];
  for (const name of ["wrangler.log", "wrangler-restarted.log"]) {
    const file = `${state}/${name}`;
    if (!existsSync(file)) continue;
    for (const block of readFileSync(file, "utf8").split("send_email binding called with MessageBuilder:").slice(1)) {
      const line = (k) => (block.split("\n").find((l) => l.startsWith(k)) || "").slice(k.length).trim();
      if (line("To:") === to) out.push({ subject: line("Subject:"), text: readFileSync(line("Text:"), "utf8") });
    }
  }
  return out;
}

/// Waits up to ten seconds for the e-mails to `to` (they go out after the answer).
export async function waitForEmail(to) {
  for (let i = 0; i < 40; i++) {
    const sent = sentTo(to);
    if (sent.length) return sent;
    await new Promise((r) => setTimeout(r, 250));
  }
  return sentTo(to);
}
