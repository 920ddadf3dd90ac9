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

// A confirmation e-mail that failed ten times (the `fail-ten` address is
// the test stack's hook) is listed without its address; "Send again" sends it.
test("an admin sends a confirmation e-mail that failed for good again from the Operations page", async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await signIn(page);
  const failed = async () => (await (await page.request.get(`${BASE}/api/admin/emails/failed`)).json()).map((e) => e.session_id);
  const before = new Set(await failed());
  // The customer's address in Stripe receives the confirmation.
  const to = `fail-ten-${Date.now()}@example.test`;
  const sub = await newSubscription("snack_monthly", to);
  const pre = await fetch(`${BASE}/precancel`, { method: "POST", headers: { "content-type": "application/json", "x-holdfast-test-place": "FR" },
    body: JSON.stringify({ app_id: "t_intl", subscription_id: sub, auth_hash: createHmac("sha256", SIGN).update(sub).digest("hex") }) });
  const token = (await pre.json()).url.split("/").pop();
  const cancel = await fetch(`${BASE}/api/sessions/${token}/cancel`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  assert.ok([200, 202].includes(cancel.status), `${cancel.status}`);
  // One attempt per sweep, each run later than the longest backoff.
  const now = Math.floor(Date.now() / 1000);
  let ours = [];
  for (let k = 1; k <= 30 && ours.length === 0; k++) {
    await fetch(`${BASE}/api/dev/cron?at=${now + k * 5 * 3600}`, { method: "POST" });
    await new Promise((ok) => setTimeout(ok, 1000));
    ours = (await failed()).filter((id) => !before.has(id));
  }
  assert.equal(ours.length, 1, "the e-mail failed for good");

  await page.goto(`${BASE}/admin/operations`);
  const row = page.getByRole("table", { name: "Confirmation e-mails not sent" }).getByRole("row").filter({ hasText: ours[0] });
  await row.waitFor();
  assert.match(await row.innerText(), /10/);
  assert.equal(await row.getByRole("link", { name: ours[0] }).getAttribute("href"), `/admin/sessions/${ours[0]}`);
  assert.ok(!(await page.content()).includes(to), "no address on the page");
  await row.getByRole("button", { name: "Send again" }).click();
  await row.waitFor({ state: "detached" });
  assert.ok(!(await failed()).includes(ours[0]));
  await page.close();
});

// A queue message that is no job is set aside alone and listed for the
// admin (the test stack puts one in the queue through /api/dev/queue).
test("an admin reads an unreadable queue message on the Operations page", async () => {
  const marker = `not-a-job-${Date.now()}`;
  const sent = await fetch(`${BASE}/api/dev/queue`, { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ any: [{ kind: "mystery", marker }] }) });
  assert.equal(sent.status, 200);
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await signIn(page);
  const row = page.getByRole("table", { name: "Unreadable queue messages" }).getByRole("row").filter({ hasText: marker });
  for (let i = 0; i < 40 && !(await row.count()); i++) {
    await page.goto(`${BASE}/admin/operations`);
    // The list has loaded: its table, or "None." while the queue works.
    await page.locator('[data-testid="no-unreadable"], table[aria-label="Unreadable queue messages"]').first().waitFor();
    if (!(await row.count())) await page.waitForTimeout(250);
  }
  assert.match(await row.innerText(), /unknown variant `mystery`/);
  await page.close();
});
