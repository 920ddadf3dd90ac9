// The settings UI in headless Chromium: sign in, create an app, configure
// its cancel flow with a coupon picked from Stripe, and see the cancel page
// pick it up for a real subscription.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { ARTIFACTS, BASE, EMAIL, PASSWORD, launch, newSubscription, signIn, timedSignature } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => browser && (await browser.close()));

test("an admin configures an app's cancel flow and the cancel page follows it", async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  await page.goto(`${BASE}/admin`);
  await page.getByLabel("Email").fill(EMAIL);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();

  await page.getByRole("heading", { name: "Apps" }).waitFor();
  await page.getByLabel("New app name").fill("Browser test app");
  await page.getByRole("button", { name: "Create app" }).click();
  const secrets = page.getByTestId("new-secrets");
  await secrets.waitFor();
  const appId = await page.getByTestId("app-id").innerText();
  const signing = await page.getByTestId("signing-secret").innerText();
  assert.match(signing, /^hf_sign_[0-9a-f]{64}$/);
  await page.getByRole("link", { name: "Set up its cancel flow" }).click();

  await page.getByRole("heading", { name: "Browser test app" }).waitFor();
  assert.match(await page.getByTestId("snippet").innerText(), new RegExp(`app_id: "${appId}"`));

  // A refused save shows the field's error and changes nothing.
  const heading = page.getByLabel("Heading");
  await heading.fill("");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText("The page needs a heading.").waitFor();

  await heading.fill("Hold on, {{first_name | friend}}");
  await page.getByRole("button", { name: "Add offer" }).click();
  const offer = page.getByTestId("offer-0");
  await offer.getByLabel("Title").fill("Stay for less");
  await offer.getByLabel("Copy").fill("Keep {{subscription.product.name}} at 25% off.");
  await offer.getByLabel("Coupon").selectOption({ label: "25% off for 3 months (25% off, for 3 months)" });
  await offer.getByLabel("It's too expensive").check();
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByTestId("saved").waitFor();
  await page.screenshot({ path: `${ARTIFACTS}/settings-app.png`, fullPage: true });

  const sub = await newSubscription();
  const pre = await fetch(`${BASE}/precancel`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ app_id: appId, subscription_id: sub, first_name: "Ada",
      ...timedSignature(signing, sub) }),
  });
  const { url } = await pre.json();
  assert.ok(url, "a cancel-page URL for the new app");
  await page.goto(url);
  await page.getByRole("heading", { name: "Hold on, Ada" }).waitFor();
  await page.getByRole("radio", { name: "It's too expensive" }).check();
  await page.getByRole("button", { name: "Cancel subscription" }).click();
  await page.getByRole("heading", { name: "Stay for less" }).waitFor();
  assert.match(await page.getByTestId("offer").innerText(), /Keep Premium Snack Pack at 25% off/);

  await page.goto(`${BASE}/admin/audit`);
  await page.getByRole("table", { name: "Audit log" }).waitFor();
  const log = await page.getByRole("table", { name: "Audit log" }).innerText();
  assert.match(log, /app\.settings/);
  assert.match(log, /app\.create/);
  assert.deepEqual(errors, []);
  await page.close();
});

// The same assignment as holdfast_core::experiment, to know where a
// subscriber should land: SHA-256 of "experience\0subject", 10,000 buckets,
// the holdout first, then the variants by weight.
function expectedVariant(experience, subject, holdoutPercent, variants) {
  const digest = createHash("sha256").update(`${experience}\u0000${subject}`).digest();
  const bucket = digest.readBigUInt64BE(0) % 10000n;
  const holdout = BigInt(holdoutPercent) * 10000n / 100n;
  if (bucket < holdout) return "holdout";
  const total = BigInt(variants.reduce((sum, [, w]) => sum + w, 0));
  const point = (bucket - holdout) * total / (10000n - holdout);
  let edge = 0n;
  for (const [id, w] of variants) {
    edge += BigInt(w);
    if (point < edge) return id;
  }
  return null;
}

test("an admin targets yearly payers with an A/B experience and a holdout", async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
  await page.goto(`${BASE}/admin`);
  await page.getByLabel("Email").fill(EMAIL);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("New app name").fill("Experiment app");
  await page.getByRole("button", { name: "Create app" }).click();
  const appId = await page.getByTestId("app-id").innerText();
  const signing = await page.getByTestId("signing-secret").innerText();
  await page.getByRole("link", { name: "Set up its cancel flow" }).click();
  await page.getByLabel("Heading").waitFor();

  await page.getByRole("button", { name: "Add audience" }).click();
  const audience = page.getByTestId("audience-0");
  await audience.getByLabel("Name").fill("Yearly payers");
  await audience.getByLabel("Id").fill("yearly");
  const rule = page.getByTestId("audience-0-rule-0");
  await rule.getByLabel("Field").fill("subscription.plan.interval");
  await rule.getByLabel("Value").fill("year");

  await page.getByRole("button", { name: "Add experience" }).click();
  const exp = page.getByTestId("experience-0");
  await exp.getByLabel("Name").fill("Yearly test");
  await exp.getByLabel("Id", { exact: true }).fill("yearly-test");
  await exp.getByLabel("Audience").selectOption({ label: "Yearly payers" });
  await exp.getByLabel("Holdout (% who see no offer)").fill("20");
  await page.getByTestId("experience-0-variant-0").getByLabel("Heading (leave empty for the page's)").fill("Variant A heading");
  await exp.getByRole("button", { name: "Add variant" }).click();
  await page.getByTestId("experience-0-variant-1").getByLabel("Heading (leave empty for the page's)").fill("Variant B heading");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByTestId("saved").waitFor();
  await page.screenshot({ path: `${ARTIFACTS}/settings-experiment.png`, fullPage: true });

  const headings = { a: "Variant A heading", b: "Variant B heading", holdout: "Before you go, Ada" };
  for (const plan of ["snack_yearly", "snack_yearly", "snack_monthly"]) {
    const sub = await newSubscription(plan);
    const pre = await fetch(`${BASE}/precancel`, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ app_id: appId, subscription_id: sub, first_name: "Ada",
        ...timedSignature(signing, sub) }),
    });
    const { url } = await pre.json();
    await page.goto(url);
    const want = plan === "snack_yearly"
      ? headings[expectedVariant("yearly-test", sub, 20, [["a", 1], ["b", 1]])]
      : "Before you go, Ada";
    await page.getByRole("heading", { name: want }).waitFor();
  }

  // Edit the experience (one variant, no holdout), then delete it and its
  // audience: yearly payers see the default page again.
  const start = async (plan) => {
    const sub = await newSubscription(plan);
    const pre = await fetch(`${BASE}/precancel`, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ app_id: appId, subscription_id: sub, first_name: "Ada",
        ...timedSignature(signing, sub) }),
    });
    return (await pre.json()).url;
  };
  const settingsUrl = `${BASE}/admin/apps/${appId}`;
  await page.goto(settingsUrl);
  const edited = page.getByTestId("experience-0");
  await edited.getByLabel("Holdout (% who see no offer)").fill("0");
  await page.getByTestId("experience-0-variant-1").getByRole("button", { name: "Remove variant" }).click();
  await page.getByTestId("experience-0-variant-0").getByLabel("Heading (leave empty for the page's)").fill("Edited heading");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByTestId("saved").waitFor();
  await page.goto(await start("snack_yearly"));
  await page.getByRole("heading", { name: "Edited heading" }).waitFor();

  await page.goto(settingsUrl);
  await page.getByTestId("experience-0").getByRole("button", { name: "Remove experience" }).click();
  await page.getByTestId("audience-0").getByRole("button", { name: "Remove audience" }).click();
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByTestId("saved").waitFor();
  await page.goto(await start("snack_yearly"));
  await page.getByRole("heading", { name: "Before you go, Ada" }).waitFor();
  await page.close();
});


async function newApp(page, name) {
  await page.getByLabel("New app name").fill(name);
  await page.getByRole("button", { name: "Create app" }).click();
  await page.getByTestId("new-secrets").waitFor();
  await page.getByRole("link", { name: "Set up its cancel flow" }).click();
  await page.getByLabel("Heading").waitFor();
}

test("an admin edits reasons, every offer type with the pickers, and a field mapping; they persist", async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  await signIn(page);
  await newApp(page, "Everything app");

  await page.getByTestId("reason-0").getByLabel("Label").fill("Costs too much");
  await page.getByRole("button", { name: "Add reason" }).click();
  const added = page.getByTestId("reason-8");
  await added.getByLabel("Label").fill("Moving abroad");
  await added.getByLabel("Id").fill("moving");
  await added.getByLabel("Stripe feedback").selectOption({ label: "Unused" });

  const offerRow = async (i, title, type) => {
    await page.getByRole("button", { name: "Add offer" }).click();
    const row = page.getByTestId(`offer-${i}`);
    await row.getByLabel("Title").fill(title);
    await row.getByLabel("Type").selectOption(type);
    return row;
  };
  const discount = await offerRow(0, "25% off", "discount");
  await discount.getByLabel("Copy").fill("Hi {{first_name}}, keep {{subscription.product.name}}");
  assert.match(await page.getByTestId("offer-0-preview").innerText(), /Hi Jane, keep Premium Snack Pack/);
  await discount.getByLabel("Coupon").selectOption({ label: "One month free (100% off, once)" });
  const pause = await offerRow(1, "Pause", "pause");
  await pause.getByLabel("Duration").fill("2");
  await pause.getByLabel("Interval").selectOption("month");
  await offerRow(2, "Free month", "extension");
  const plan = await offerRow(3, "Go yearly", "plan_change");
  await plan.getByLabel("New price").selectOption({ label: "Premium Snack Pack: 150.00 USD / year" });
  await plan.getByLabel("Proration").selectOption("none");
  const redirect = await offerRow(4, "Talk to us", "redirect");
  await redirect.getByLabel("URL (may use {{fields}})").fill("https://merchant.example/call?c={{account.internal_id}}");
  await offerRow(5, "Moving offer", "pause");
  await page.getByTestId("offer-5").getByLabel("Moving abroad").check();

  await page.getByRole("button", { name: "Add field" }).click();
  await page.getByTestId("mapping-0").getByLabel("Name").fill("billing");
  await page.getByTestId("mapping-0").getByLabel("Source").fill("subscription.plan.interval");

  // The redirect goes to a site not yet listed, filled from a field the
  // browser supplies: refused at save, with the reason at the field.
  await page.getByRole("button", { name: "Save" }).click();
  const urlError = page.locator('[data-field="offers.4.billing.url"]');
  await urlError.waitFor();
  assert.match(await urlError.innerText(), /return origins/);
  await page.getByTestId("return-origins").fill("https://merchant.example");
  await page.getByTestId("return-origins").press("Tab");
  await page.getByRole("button", { name: "Save" }).click();
  await page.locator('[data-field="offers.4.billing.url"]', { hasText: "account.internal_id" }).waitFor();
  await page.getByTestId("trusted-url-fields").fill("account.internal_id");
  await page.getByTestId("trusted-url-fields").press("Tab");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByTestId("saved").waitFor();

  await page.reload();
  await page.getByLabel("Heading").waitFor();
  assert.equal(await page.getByTestId("reason-0").getByLabel("Label").inputValue(), "Costs too much");
  assert.equal(await page.getByTestId("reason-8").getByLabel("Label").inputValue(), "Moving abroad");
  assert.equal(await page.getByTestId("offer-1").getByLabel("Duration").inputValue(), "2");
  await page.getByTestId("offer-3").getByLabel("New price").locator("option:checked").waitFor({ state: "attached" });
  assert.equal(await page.getByTestId("offer-3").getByLabel("New price").inputValue(), "snack_yearly");
  assert.equal(await page.getByTestId("offer-0").getByLabel("Coupon").inputValue(), "FREEMONTH");
  assert.equal(await page.getByTestId("offer-4").getByLabel("URL (may use {{fields}})").inputValue(), "https://merchant.example/call?c={{account.internal_id}}");
  assert.ok(await page.getByTestId("offer-5").getByLabel("Moving abroad").isChecked());
  assert.equal(await page.getByTestId("mapping-0").getByLabel("Name").inputValue(), "billing");
  assert.equal(await page.getByTestId("return-origins").inputValue(), "https://merchant.example");

  // Edit an offer and the mapping; delete an offer and the reason it points at.
  await page.getByTestId("offer-1").getByLabel("Title").fill("Take two months off");
  await page.getByTestId("mapping-0").getByLabel("Name").fill("plan_interval");
  await page.getByTestId("offer-5").getByRole("button", { name: "Remove offer" }).click();
  await page.getByTestId("reason-8").getByRole("button", { name: "Remove" }).click();
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByTestId("saved").waitFor();
  await page.reload();
  await page.getByLabel("Heading").waitFor();
  assert.equal(await page.getByTestId("offer-1").getByLabel("Title").inputValue(), "Take two months off");
  assert.equal(await page.getByTestId("mapping-0").getByLabel("Name").inputValue(), "plan_interval");
  assert.equal(await page.getByTestId("offer-5").count(), 0);
  assert.equal(await page.getByTestId("reason-8").count(), 0);

  // Delete the mapping.
  await page.getByTestId("mapping-0").getByRole("button", { name: "Remove field" }).click();
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByTestId("saved").waitFor();
  await page.reload();
  await page.getByLabel("Heading").waitFor();
  assert.equal(await page.getByTestId("mapping-0").count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test("an admin edits and deletes an app that has no sessions", async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
  page.on("dialog", (d) => d.accept());
  await signIn(page);
  await newApp(page, "Throwaway app");
  // Edit: rename it and let it take unsigned requests.
  await page.getByLabel("App name").fill("Renamed throwaway");
  await page.getByRole("button", { name: "Rename" }).click();
  await page.getByRole("heading", { name: "Renamed throwaway" }).waitFor();
  // Allowing unsigned requests takes the typed words, then warns.
  // A click asks for the words first; the box stays ticked until then.
  await page.getByLabel("Require signed requests (auth_hash or the secret key)").click();
  const confirm = page.getByTestId("confirm-unsigned");
  await confirm.getByRole("alert").waitFor();
  assert.match(await confirm.innerText(), /anyone who knows a subscription id can cancel it/);
  await confirm.getByLabel('Type "anyone can cancel" to allow unsigned requests').fill("sure");
  await confirm.getByRole("button", { name: "Allow unsigned requests" }).click();
  await page.getByText('Type "anyone can cancel" to allow unsigned requests: anyone').waitFor();
  await confirm.getByLabel('Type "anyone can cancel" to allow unsigned requests').fill("anyone can cancel");
  await confirm.getByRole("button", { name: "Allow unsigned requests" }).click();
  await page.getByTestId("unsigned-warning").waitFor();
  await page.getByTestId("install-unsigned-warning").waitFor();
  await page.goto(`${BASE}/admin/dashboard`);
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  await page.getByLabel("App", { exact: true }).selectOption({ label: "Renamed throwaway" });
  await page.getByTestId("unsigned-warning").waitFor();
  await page.goto(`${BASE}/admin`);
  await page.getByRole("link", { name: "Apps" }).click();
  const row = page.getByRole("row", { name: /Renamed throwaway/ });
  await row.waitFor();
  assert.match(await row.innerText(), /optional/);
  await row.getByRole("link", { name: "Renamed throwaway" }).click();
  await page.getByLabel("Heading").waitFor();
  await page.getByRole("button", { name: "Delete app" }).click();
  await page.getByRole("heading", { name: "Apps" }).waitFor();
  await page.getByRole("table", { name: "Apps" }).waitFor();
  assert.doesNotMatch(await page.getByRole("table", { name: "Apps" }).innerText(), /throwaway/);
  await page.close();
});

test("an owner ends leaked secrets now, after a confirmation naming what stops working", async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
  const asked = [];
  page.on("dialog", (d) => { asked.push(d.message()); d.accept(); });
  await signIn(page);
  await newApp(page, "Leaked secrets");
  await page.getByRole("button", { name: "Rotate and end the old secrets now" }).click();
  const shown = page.getByTestId("rotated");
  await shown.waitFor();
  assert.equal(asked.length, 1);
  assert.match(asked[0], /old signing secret and the old secret key stop working at once/);
  assert.match(await shown.innerText(), /The old ones stopped working now/);
  assert.match(await shown.innerText(), /Secret key: hf_sk_/);
  await page.getByRole("button", { name: "Rotate secrets", exact: true }).click();
  await page.getByText("The old ones keep working for 24 hours").waitFor();
  assert.equal(asked.length, 1, "the plain rotation asks nothing");
  await page.close();
});

test("the settings UI may not be framed and sends a strict CSP", async () => {
  const r = await fetch(`${BASE}/admin`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get("content-security-policy"), /frame-ancestors 'none'/);
  assert.doesNotMatch(r.headers.get("content-security-policy"), /unsafe-inline/);
  assert.equal(r.headers.get("x-frame-options"), "DENY");
});
