// Page quality in headless Chromium: no axe-core violations on the cancel
// page (each step) and the settings screens, and the cancel page usable at
// 360 px (screenshots in the test artifacts).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { ARTIFACTS, BASE, launch, newSubscription, signIn, axeViolations } from "./lib.mjs";

const SIGN = process.env.TEST_SIGNING_SECRET;
assert.ok(SIGN, "run with scripts/test");

let browser;
before(async () => { browser = await launch(); });
after(async () => browser && (await browser.close()));

async function cancelUrl(app) {
  const sub = await newSubscription();
  const r = await fetch(`${BASE}/precancel`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ app_id: app, subscription_id: sub, first_name: "Ada", auth_hash: createHmac("sha256", SIGN).update(sub).digest("hex") }),
  });
  return (await r.json()).url;
}

async function fitsTheScreen(page) {
  const [scroll, width] = await page.evaluate(() => [document.scrollingElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= width, `the page scrolls sideways: ${scroll} > ${width}`);
}

test("the cancel page has no accessibility violations and works at 360 px", async () => {
  const page = await browser.newPage({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const refused = [];
  page.on("console", (m) => /Content.Security.Policy/i.test(m.text()) && refused.push(m.text()));
  await page.goto(await cancelUrl("t_offers"));
  await page.getByRole("heading", { name: /Ada/ }).waitFor();
  await page.getByTestId("cancel-button").waitFor();
  // The inlined stylesheet applies: the CSP allows it by its hash.
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), "rgb(246, 248, 250)");
  // The edge's first screen has its own cancel button; the app, imported
  // after the first paint, replaces it (later on a loaded machine).
  await page.locator("#hf-prerender").waitFor({ state: "detached", timeout: 20000 }).catch(() => {});
  assert.equal(await page.locator("#hf-prerender").count(), 0, "the painted first screen was replaced");
  assert.deepEqual(await axeViolations(page), [], "survey");
  await fitsTheScreen(page);
  await page.screenshot({ path: `${ARTIFACTS}/cancel-page-360.png`, fullPage: true });

  await page.getByRole("radio", { name: "It's too expensive" }).check();
  await page.getByRole("button", { name: "Cancel subscription" }).click();
  await page.getByTestId("offer").waitFor();
  assert.deepEqual(await axeViolations(page), [], "offer screen");
  await fitsTheScreen(page);
  await page.screenshot({ path: `${ARTIFACTS}/offer-screen-360.png`, fullPage: true });

  await page.getByRole("button", { name: /No thanks, cancel/ }).click();
  await page.getByTestId("outcome").waitFor();
  assert.deepEqual(await axeViolations(page), [], "confirmation");
  await fitsTheScreen(page);
  assert.deepEqual(refused, [], "no CSP violations");
  await page.close();
});

test("the settings screens have no accessibility violations", async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.goto(`${BASE}/admin`);
  await page.getByLabel("Email").waitFor();
  assert.deepEqual(await axeViolations(page), [], "sign-in");
  await signIn(page);
  const screens = [
    ["/admin", "Apps"],
    ["/admin/apps/t_offers", "offers"],
    ["/admin/dashboard", "Dashboard"],
    ["/admin/stripe", "Stripe"],
    ["/admin/operations", "Operations"],
    ["/admin/audit", "Audit log"],
    ["/admin/team", "Team"],
    ["/admin/account", "Your account"],
  ];
  for (const [path, heading] of screens) {
    await page.goto(`${BASE}${path}`);
    await page.getByRole("heading", { name: heading, exact: true }).first().waitFor();
    await page.waitForLoadState("networkidle");
    assert.deepEqual(await axeViolations(page), [], path);
  }
  // A session's audit trail.
  await page.goto(`${BASE}/admin/dashboard`);
  await page.getByLabel("App", { exact: true }).selectOption("t_offers");
  const row = page.getByTestId("session-row").first();
  await row.waitFor();
  await row.getByRole("link").click();
  await page.getByRole("heading", { name: /^Session ses_/ }).waitFor();
  assert.deepEqual(await axeViolations(page), [], "session");
  await page.close();
});

test("the snippet adds no global but its API, and the install snippet loads it async", async () => {
  const page = await browser.newPage();
  await page.goto(`${BASE}/api/health`);
  const before = await page.evaluate(() => Object.keys(window));
  await page.addScriptTag({ url: `${BASE}/js/holdfast.js` });
  await page.waitForFunction(() => typeof window.Holdfast === "object");
  const added = await page.evaluate((b) => Object.keys(window).filter((k) => !b.includes(k)), before);
  assert.deepEqual(added.sort(), ["Brightback", "Holdfast"]);
  await page.close();

  const admin = await browser.newPage();
  await signIn(admin);
  await admin.goto(`${BASE}/admin/apps/t_offers`);
  const snippet = await admin.getByTestId("snippet").innerText();
  assert.match(snippet, /<script src="[^"]+\/js\/holdfast\.js" async><\/script>/);
  await admin.close();
});
