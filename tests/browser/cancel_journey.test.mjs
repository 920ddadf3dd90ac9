// The cancel journey in headless Chromium, as a subscriber lives it: the
// merchant's account page, the snippet, the hosted cancel page, Stripe.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import { newSubscription } from "./lib.mjs";

const BASE = process.env.HOLDFAST_URL;
const EMULATOR = process.env.EMULATOR_URL;
const KEY = process.env.EMULATOR_KEY;
const ARTIFACTS = process.env.HOLDFAST_ARTIFACTS || "tests/artifacts";
const DEMO = JSON.parse(process.env.DEMO_SUBSCRIPTIONS || "{}").subscriptions || [];
assert.ok(BASE && EMULATOR && KEY, "run with scripts/test, which starts the stack");
mkdirSync(ARTIFACTS, { recursive: true });

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    ],
  });
});
after(async () => browser && (await browser.close()));

async function stripe(path) {
  const r = await fetch(EMULATOR + path, { headers: { authorization: `Bearer ${KEY}` } });
  assert.equal(r.status, 200, `GET ${path}`);
  return r.json();
}

// Opens the demo merchant's account page for one seeded subscription and
// waits until the snippet has its cancel-page URL.
async function accountPage(subscription) {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  const precancel = page.waitForResponse((r) => r.url().endsWith("/precancel"));
  await page.goto(`${BASE}/demo?subscription=${subscription}`);
  assert.equal((await precancel).status(), 200);
  return { page, errors };
}

test("a subscriber cancels from the merchant's page with a reason, and Stripe has it", async () => {
  const sub = DEMO[0];
  assert.ok(sub, "the emulator was seeded");
  const { page, errors } = await accountPage(sub);
  await page.getByRole("link", { name: "Cancel subscription" }).click();

  await page.waitForURL(/\/cancel\/[0-9a-f]{64}$/);
  const message = page.getByTestId("message");
  await message.waitFor();
  assert.match(await message.innerText(), /Premium Snack Pack/);
  assert.ok(await page.getByRole("button", { name: "Cancel subscription" }).isVisible(), "cancel button on the survey");

  await page.getByRole("radio", { name: "I'm switching to another service" }).check();
  await page.getByRole("textbox").fill("A friend's box is cheaper");
  await page.screenshot({ path: `${ARTIFACTS}/cancel-page-survey.png`, fullPage: true });
  await page.getByRole("button", { name: "Cancel subscription" }).click();
  const outcome = page.getByTestId("outcome");
  await outcome.waitFor();
  assert.match(await outcome.innerText(), /Your subscription is cancelled/);
  await page.screenshot({ path: `${ARTIFACTS}/cancel-confirmation.png`, fullPage: true });

  await page.waitForURL(/\/demo\/cancelled\?subscription=/, { timeout: 10000 });
  assert.match(await page.getByTestId("notice").innerText(), /cancellation is confirmed/);
  await page.screenshot({ path: `${ARTIFACTS}/merchant-after-cancel.png`, fullPage: true });

  const s = await stripe(`/v1/subscriptions/${sub}`);
  assert.equal(s.cancel_at_period_end, true);
  assert.equal(s.cancellation_details.feedback, "switched_service");
  assert.equal(s.cancellation_details.comment, "A friend's box is cheaper");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a reason and comment given on the first screen before the page's app loaded stay when it takes over", async () => {
  // A slow phone: the edge's first screen is there, its app is not yet.
  const sub = await newSubscription();
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  let release;
  const held = new Promise((ok) => { release = ok; });
  await page.route("**/*.wasm", async (route) => { await held; await route.continue(); });
  await page.goto(`${BASE}/demo?subscription=${sub}`);
  await page.getByRole("link", { name: "Cancel subscription" }).click();
  await page.waitForURL(/\/cancel\/[0-9a-f]{64}$/);
  await page.getByRole("radio", { name: "I'm switching to another service" }).check();
  await page.getByRole("textbox").fill("Typed before the app");
  release();
  await page.waitForFunction(() => !document.getElementById("hf-prerender") && !document.getElementById("hf-session"), null, { timeout: 20000 });
  assert.ok(await page.getByRole("radio", { name: "I'm switching to another service" }).isChecked());
  assert.equal(await page.getByRole("textbox").inputValue(), "Typed before the app");
  await page.close();
});

test("a subscriber who finds it too expensive sees the discount's numbers, accepts, and Stripe has the coupon", async () => {
  const sub = DEMO[3];
  const { page, errors } = await accountPage(sub);
  await page.getByRole("link", { name: "Cancel subscription" }).click();
  await page.getByRole("radio", { name: "It's too expensive" }).check();
  await page.getByRole("button", { name: "Cancel subscription" }).click();

  const offer = page.getByTestId("offer");
  await offer.waitFor();
  assert.match(await page.getByRole("heading", { level: 1 }).innerText(), /25% less/);
  assert.match(await offer.innerText(), /Premium Snack Pack at 25% off/);
  const facts = await page.getByTestId("offer-facts").innerText();
  assert.match(facts, /Your next payment: \$11\.25 instead of \$15\.00/);
  assert.match(facts, /Next charge on/);
  assert.ok(await page.getByRole("button", { name: "No thanks, cancel my subscription" }).isVisible(), "cancel stays one click away");
  await page.screenshot({ path: `${ARTIFACTS}/offer-screen.png`, fullPage: true });

  await page.getByRole("button", { name: "Keep it at 25% off" }).click();
  await page.getByTestId("outcome").waitFor();
  assert.match(await page.getByTestId("outcome").innerText(), /Your offer is applied/);
  await page.waitForURL(/saved=1/, { timeout: 10000 });
  const s = await stripe(`/v1/subscriptions/${sub}?expand%5B%5D=discounts`);
  assert.deepEqual(s.discounts.map((d) => d.source.coupon), ["SAVE25"]);
  assert.equal(s.cancel_at_period_end, false);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a subscriber declines the pause offer and cancels; the cancel button is on every screen", async () => {
  const sub = DEMO[4];
  const { page } = await accountPage(sub);
  await page.getByRole("link", { name: "Cancel subscription" }).click();
  await page.getByTestId("message").waitFor();
  assert.ok(await page.getByRole("button", { name: "Cancel subscription" }).isVisible(), "on the survey");
  await page.getByRole("radio", { name: "I don't use it enough" }).check();
  await page.getByRole("button", { name: "Cancel subscription" }).click();
  await page.getByTestId("offer").waitFor();
  assert.match(await page.getByTestId("offer-facts").innerText(), /No service and no charges until/);
  const decline = page.getByRole("button", { name: "No thanks, cancel my subscription" });
  assert.ok(await decline.isVisible(), "on the offer screen");
  await decline.click();
  await page.getByTestId("outcome").waitFor();
  assert.match(await page.getByTestId("outcome").innerText(), /Your subscription is cancelled/);
  await page.waitForURL(/\/demo\/cancelled/, { timeout: 10000 });
  const s = await stripe(`/v1/subscriptions/${sub}`);
  assert.equal(s.cancel_at_period_end, true);
  assert.equal(s.pause_collection, null, "the declined offer changed nothing");
  assert.equal(s.cancellation_details.feedback, "unused");
  await page.close();
});

test("keeping the subscription returns to the merchant and changes nothing in Stripe", async () => {
  const sub = DEMO[1];
  const { page } = await accountPage(sub);
  await page.getByRole("link", { name: "Cancel subscription" }).click();
  await page.getByRole("button", { name: "Keep my subscription" }).click();
  await page.waitForURL(/saved=1/, { timeout: 10000 });
  assert.match(await page.getByTestId("notice").innerText(), /Welcome back/);
  const s = await stripe(`/v1/subscriptions/${sub}`);
  assert.equal(s.cancel_at_period_end, false);
  await page.close();
});

test("when Holdfast cannot be reached, the cancel link's own href still works", async () => {
  const page = await browser.newPage();
  await page.route("**/precancel", (route) => route.abort());
  const failed = page.waitForEvent("requestfailed", (r) => r.url().endsWith("/precancel"));
  await page.goto(`${BASE}/demo?subscription=${DEMO[2]}`);
  await failed;
  await page.getByRole("link", { name: "Cancel subscription" }).click();
  await page.waitForURL(/fallback=1/);
  assert.match(await page.getByTestId("notice").innerText(), /fail open/);
  await page.close();
});

test("an unknown cancel link says so instead of showing a blank page", async () => {
  const page = await browser.newPage();
  await page.goto(`${BASE}/cancel/${"0".repeat(64)}`);
  const alert = page.getByTestId("load-error");
  await alert.waitFor();
  assert.match(await alert.innerText(), /not valid/);
  await page.close();
});
