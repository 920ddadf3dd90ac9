// The dashboard in headless Chromium: seeded sessions of a new app show up
// as the right figures, and a session's audit trail shows what happened,
// with Stripe's requests and answers.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { ARTIFACTS, BASE, launch, newSubscription, signIn, timedSignature } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => browser && (await browser.close()));

async function post(path, body) {
  const r = await fetch(BASE + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const text = await r.text();
  assert.equal(r.status, 200, `${path}: ${text}`);
  return JSON.parse(text);
}

/// A cancel session of the app, walked through the session API.
async function journey(app, steps) {
  const sub = await newSubscription();
  const { url } = await post("/precancel", { app_id: app.id, subscription_id: sub, ...timedSignature(app.signing_secret, sub) });
  const token = url.split("/").pop();
  for (const [action, body] of steps) await post(`/api/sessions/${token}/${action}`, body);
  return sub;
}

test("the dashboard shows a new app's sessions, revenue and a session's audit trail", async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  await signIn(page);

  // An app of its own, so the figures are this test's alone.
  const me = await (await page.request.get(`${BASE}/api/admin/me`)).json();
  const headers = { "x-csrf-token": me.csrf_token };
  const name = `Dashboard ${Date.now()}`;
  const created = await (await page.request.post(`${BASE}/api/admin/apps`, { headers, data: { name } })).json();
  const app = { id: created.app.id, signing_secret: created.signing_secret };
  const saved = await page.request.put(`${BASE}/api/admin/apps/${app.id}/settings`, { headers, data: {
    offers: [{ id: "save25", title: "Stay for 25% less", body: "b", billing: { type: "discount", coupon: "SAVE25" } }],
  } });
  assert.equal(saved.status(), 200);

  await journey(app, [["deflect", {}]]);
  const discounted = await journey(app, [["reason", { reason_id: "too_expensive" }], ["offers/save25/show", {}], ["offers/save25/accept", {}]]);
  await journey(app, [["cancel", { reason_id: "unused" }]]);

  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Dashboard" }).click();
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  await page.getByLabel("App", { exact: true }).selectOption({ label: name });
  const kpi = (id) => page.getByTestId(`kpi-${id}`);
  await page.waitForFunction(() => document.querySelector('[data-testid="kpi-sessions"]')?.textContent === "3");
  assert.equal(await kpi("saves").innerText(), "2");
  assert.equal(await kpi("offers").innerText(), "1");
  assert.equal(await kpi("deflects").innerText(), "1");
  assert.equal(await kpi("cancels").innerText(), "1");
  assert.equal(await kpi("save-rate").innerText(), "66.7%");
  const usd = page.getByTestId("revenue-usd");
  assert.equal(await usd.getByTestId("mrr-saved").innerText(), "30.00 USD");
  assert.equal(await usd.getByTestId("offer-cost").innerText(), "11.25 USD", "25% of 15.00 for 3 months");
  assert.equal(await usd.getByTestId("net-saved").innerText(), "348.75 USD");
  assert.equal(await usd.getByTestId("mrr-lost").innerText(), "15.00 USD");
  assert.match(await page.getByRole("img", { name: /Sessions by outcome: Saves 2, Saves lost 0, Cancels 1/ }).getAttribute("aria-label"), /Cancels 1/);
  const reasons = await page.getByRole("table", { name: "By reason" }).innerText();
  assert.match(reasons, /It's too expensive\s+1\s+1\s+0\s+100\.0%/);
  assert.equal(await page.getByTestId("session-row").count(), 3);
  await page.screenshot({ path: `${ARTIFACTS}/dashboard.png`, fullPage: true });

  // Filters narrow the figures and the list alike.
  await page.getByLabel("Outcome", { exact: true }).selectOption({ label: "Cancelled" });
  await page.waitForFunction(() => document.querySelector('[data-testid="kpi-sessions"]')?.textContent === "1");
  await page.getByTestId("session-count").filter({ hasText: "1–1 of 1" }).waitFor();
  await page.getByLabel("Outcome", { exact: true }).selectOption({ label: "Saved with an offer" });
  await page.getByTestId("session-count").filter({ hasText: "1–1 of 1" }).waitFor();

  // The offer's session: every step, and Stripe's request and answer.
  await page.getByTestId("session-row").filter({ hasText: discounted }).getByRole("link").click();
  await page.getByRole("heading", { name: /^Session ses_/ }).waitFor();
  const facts = await page.getByTestId("session-facts").innerText();
  assert.match(facts, new RegExp(discounted));
  assert.match(facts, /Saved with an offer/);
  assert.match(facts, /11\.25 USD/);
  const trail = page.getByRole("list", { name: "Audit trail" });
  const text = await trail.innerText();
  for (const step of [/Session started \(Stripe lookup: found\)/, /Reason chosen: too_expensive/,
    /Offer accepted: save25 \(discount\)/, new RegExp(`Stripe POST /v1/subscriptions/${discounted} → ok`),
    /Offer applied in Stripe/, /Save checked in Stripe: confirmed/]) {
    assert.match(text, step);
  }
  const write = trail.locator('li[data-kind="stripe_request"]').first();
  await write.getByText("Details").click();
  assert.match(await write.locator("pre").innerText(), /SAVE25/);
  await page.screenshot({ path: `${ARTIFACTS}/session-audit-trail.png`, fullPage: true });

  // The app's Revenue card.
  await page.goto(`${BASE}/admin/apps/${app.id}`);
  await page.getByTestId("matched").filter({ hasText: "3 of 3 sessions matched a customer in Stripe" }).waitFor();
  assert.notEqual(await page.getByTestId("last-sync").innerText(), "never");

  // One customer's data: exported as JSON, then erased (the counts stay).
  const data = page.getByRole("region", { name: "Customer data" });
  await data.getByLabel("Find the customer by").selectOption({ label: "Stripe subscription id" });
  await data.getByLabel("Customer", { exact: true }).fill(discounted);
  await data.getByRole("button", { name: "Export as JSON" }).click();
  await data.getByTestId("customer-exported").filter({ hasText: "1 session found" }).waitFor();
  assert.match(decodeURIComponent(await data.getByRole("link", { name: "Download the JSON" }).getAttribute("href")), new RegExp(discounted));
  await data.getByRole("button", { name: "Erase…" }).click();
  await data.getByRole("button", { name: "Yes, erase" }).click();
  await data.getByTestId("customer-erased").filter({ hasText: "The personal data of 1 session was erased." }).waitFor();
  const kept = await (await page.request.get(`${BASE}/api/admin/apps/${app.id}/dashboard`)).json();
  assert.equal(kept.total.sessions, 3, "an erasure keeps the counts");
  assert.deepEqual(errors, []);
  await page.close();
});
