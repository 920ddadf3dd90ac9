// The settings UI's webhooks in headless Chromium: an endpoint refused and
// then added, its secret shown once, a test event delivered and verified by
// the receiver (standardwebhooks), the delivery log and a replay.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { ARTIFACTS, BASE, launch, signIn } from "./lib.mjs";

const RECEIVER = process.env.WEBHOOK_RECEIVER_URL;
assert.ok(RECEIVER, "run with scripts/test, which starts the webhook receiver");

let browser;
before(async () => { browser = await launch(); });
after(async () => browser && (await browser.close()));

test("an admin adds a webhook endpoint, sends a test event, reads the log and replays", async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  await signIn(page);
  await page.getByLabel("New app name").fill("Webhook UI app");
  await page.getByRole("button", { name: "Create app" }).click();
  await page.getByTestId("new-secrets").waitFor();
  await page.getByRole("link", { name: "Set up its cancel flow" }).click();
  await page.getByRole("heading", { name: "Webhooks" }).waitFor();

  const name = `ui${Date.now()}`;
  const url = `${RECEIVER}/hooks/${name}`;
  // A local address is refused until the development setting is on.
  await page.getByLabel("Endpoint URL").fill(url);
  await page.getByRole("button", { name: "Add endpoint" }).click();
  await page.getByText("The URL must use https.").waitFor();
  await page.getByLabel(/Development: webhooks may use http/).check();
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByTestId("saved").waitFor();

  await page.getByRole("checkbox", { name: "session.started" }).check();
  await page.getByRole("checkbox", { name: "save.lost" }).check();
  await page.getByRole("button", { name: "Add endpoint" }).click();
  const secretBox = page.getByTestId("webhook-secret");
  await secretBox.waitFor();
  const secret = (await secretBox.locator("code").innerText()).trim();
  assert.match(secret, /^whsec_[A-Za-z0-9+/=]+$/);
  const r = await fetch(`${RECEIVER}/_control/${name}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ secrets: [secret] }) });
  assert.equal(r.status, 204);

  const endpoint = page.getByTestId("webhook-endpoint");
  assert.match(await endpoint.innerText(), /Events: session\.started, save\.lost/);
  await endpoint.getByRole("button", { name: "Send test event" }).click();
  await endpoint.getByTestId("webhook-status").filter({ hasText: "Test event delivered: answered 204" }).waitFor();
  const got = await (await fetch(`${RECEIVER}/_received/${name}`)).json();
  assert.equal(got.length, 1);
  assert.equal(got[0].type, "test");
  assert.equal(got[0].verified, true, "standardwebhooks verified the test event");

  await endpoint.getByRole("button", { name: "Deliveries" }).click();
  const rows = endpoint.getByTestId("delivery-row");
  await rows.first().waitFor();
  assert.match(await rows.first().innerText(), /test[\s\S]*delivered[\s\S]*1[\s\S]*204/);
  await rows.first().getByRole("button", { name: "Replay" }).click();
  let again = [];
  for (let i = 0; i < 100 && again.length < 2; i++) {
    await new Promise((ok) => setTimeout(ok, 100));
    again = await (await fetch(`${RECEIVER}/_received/${name}`)).json();
  }
  assert.equal(again.length, 2, "the replay arrived");
  assert.equal(again[1].id, again[0].id, "a replay keeps the webhook-id");
  await page.screenshot({ path: `${ARTIFACTS}/settings-webhooks.png`, fullPage: true });

  await endpoint.getByRole("button", { name: "Disable" }).click();
  await page.getByTestId("webhook-state").filter({ hasText: "Disabled" }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});
