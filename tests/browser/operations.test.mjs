// A cancel that Stripe refused to take (a 500 on every try) is kept, shown
// on the settings UI's Operations page, and lands when the admin retries it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { BASE, EMULATOR, launch, newSubscription, signIn, stripe } from "./lib.mjs";

const SIGN = process.env.TEST_SIGNING_SECRET;

let browser;
before(async () => { browser = await launch(); });
after(async () => browser && (await browser.close()));

test("an admin sees a pending cancel on the Operations page and retries it into Stripe", async () => {
  const sub = await newSubscription();
  const pre = await fetch(`${BASE}/precancel`, { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ app_id: "t_signed", subscription_id: sub, auth_hash: createHmac("sha256", SIGN).update(sub).digest("hex") }) });
  const token = (await pre.json()).url.split("/").pop();
  const fault = await fetch(`${EMULATOR}/_config/faults`, { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ method: "POST", path_contains: sub, status: 500, times: 2 }) });
  assert.equal(fault.status, 200);
  const cancel = await fetch(`${BASE}/api/sessions/${token}/cancel`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  assert.equal(cancel.status, 202);

  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await signIn(page);
  await page.goto(`${BASE}/admin/operations`);
  const row = page.getByRole("table", { name: "Operations" }).getByRole("row").filter({ hasText: sub });
  await row.waitFor();
  assert.match(await row.innerText(), /pending/);
  assert.match(await row.innerText(), /500/);
  await row.getByRole("button", { name: "Retry now" }).click();
  await row.waitFor({ state: "detached" });
  assert.equal((await stripe("GET", `/v1/subscriptions/${sub}`)).cancel_at_period_end, true);
  await page.close();
});
