// Hostile text in headless Chromium: markup and script typed by an admin
// (copy, reasons, offers, the app's name) or sent for a customer (a name)
// shows as text and never runs; `javascript:` links are refused.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, launch, newSubscription, signIn, timedSignature } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => browser && (await browser.close()));

const IMG = `<img src=x onerror="window.__pwned=1">`;
const SCRIPT = `</script><script>window.__pwned=2</script>`;

async function assertInert(page) {
  assert.equal(await page.evaluate(() => window.__pwned), undefined, "no injected script ran");
  assert.equal(await page.locator('img[src="x"]').count(), 0, "no injected element");
  assert.equal(await page.locator("script:not([src]):not([type='application/json'])").count(), 0, "no inline script");
}

test("admin copy and customer fields show as text and never run", async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const dialogs = [];
  page.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss(); });
  await signIn(page);
  const me = await (await page.request.get(`${BASE}/api/admin/me`)).json();
  const headers = { "x-csrf-token": me.csrf_token };
  const created = await (await page.request.post(`${BASE}/api/admin/apps`, { headers, data: { name: `Hostile ${IMG}` } })).json();
  const id = created.app.id;
  const settings = {
    title: `Hi {{first_name}} ${SCRIPT}`,
    message: `<b>bold?</b> ${IMG}`,
    survey_prompt: `Why? ${IMG}`,
    reasons: [{ id: "too_expensive", label: `Too much ${IMG}`, feedback: "too_expensive" }],
    offers: [{ id: "save25", title: `Stay ${IMG}`, body: `Save ${SCRIPT}`, billing: { type: "discount", coupon: "SAVE25" }, reasons: ["too_expensive"] }],
  };
  const saved = await page.request.put(`${BASE}/api/admin/apps/${id}/settings`, { headers, data: settings });
  assert.equal(saved.status(), 200, await saved.text());

  // A `javascript:` link is refused wherever a URL is taken.
  const redirect = { ...settings, offers: [{ id: "r", title: "R", body: "b", billing: { type: "redirect", url: "javascript:alert(1)" } }] };
  const refused = await page.request.put(`${BASE}/api/admin/apps/${id}/settings`, { headers, data: redirect });
  assert.equal(refused.status(), 400);
  assert.match((await refused.json()).error.field, /^offers\.0/);

  const sub = await newSubscription();
  const body = { app_id: id, subscription_id: sub, first_name: IMG, ...timedSignature(created.signing_secret, sub) };
  const badUrl = await fetch(`${BASE}/precancel`, { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...body, save_return_url: "javascript:alert(1)" }) });
  assert.equal(badUrl.status, 400);
  assert.equal((await badUrl.json()).field, "save_return_url");
  const { url } = await (await fetch(`${BASE}/precancel`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json();

  const html = await (await fetch(url)).text();
  assert.ok(!html.includes("<img src=x") && !html.includes("<script>window"), "the served page carries no live markup");
  await page.goto(url);
  const heading = page.getByRole("heading", { level: 1 });
  await heading.waitFor();
  assert.equal(await heading.innerText(), `Hi ${IMG} ${SCRIPT}`);
  await page.getByText("<b>bold?</b>", { exact: false }).waitFor();
  await page.getByRole("radio", { name: `Too much ${IMG}` }).check();
  await page.getByRole("button", { name: "Cancel subscription" }).click();
  await page.getByRole("heading", { name: `Stay ${IMG}` }).waitFor();
  await assertInert(page);

  await page.goto(`${BASE}/admin`);
  await page.getByText(`Hostile ${IMG}`).first().waitFor();
  await assertInert(page);
  assert.deepEqual(dialogs, []);
  await page.close();
});
