// The cancel page in the customer's language and under their country's
// rules (issue 14): the German direct cancellation with JavaScript on and
// off, an Arabic page right to left, a Japanese page with yen, the
// click-to-cancel flow, and a screenshot per locale at 360 px.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { ARTIFACTS, BASE, launch, newSubscription, stripe, axeViolations, signIn, timedSignature, waitForEmail } from "./lib.mjs";

const SIGN = process.env.TEST_SIGNING_SECRET;
const STATE = process.env.HOLDFAST_STATE;
assert.ok(SIGN && STATE, "run with scripts/test");

let browser;
before(async () => { browser = await launch(); });
after(async () => browser && (await browser.close()));

let customers = 0;

/// A precancel for the seeded `t_intl` app, as if the customer were in
/// `place` (the test stack's stand-in for Cloudflare's request.cf), from an
/// address of its own: many customers, not one client over its limit.
async function cancelUrl(place, extra = {}, plan = "snack_monthly", subscription = null) {
  const sub = subscription || (await newSubscription(plan));
  customers += 1;
  const r = await fetch(`${BASE}/precancel`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-holdfast-test-place": place, "cf-connecting-ip": `198.51.100.${customers % 250}` },
    body: JSON.stringify({ app_id: "t_intl", subscription_id: sub, first_name: "Erika", auth_hash: createHmac("sha256", SIGN).update(sub).digest("hex"), ...extra }),
  });
  const body = await r.json();
  assert.equal(r.status, 200, JSON.stringify(body));
  return body.url;
}

/// The merchant's account page with its Cancel link, worded as §312k BGB asks.
async function fromMerchantPage(page, url) {
  await page.setContent(`<!doctype html><html lang="de"><title>Konto</title><main><h1>Ihr Konto</h1><a href="${url}">Verträge hier kündigen</a></main></html>`);
  await page.getByRole("link", { name: "Verträge hier kündigen" }).click();
}

for (const javaScriptEnabled of [true, false]) {
  test(`the German direct cancellation, JavaScript ${javaScriptEnabled ? "on" : "off"}`, async () => {
    const context = await browser.newContext({ javaScriptEnabled, locale: "de-DE", viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const email = `erika-${Date.now()}-${javaScriptEnabled ? "js" : "nojs"}@example.de`;
    await fromMerchantPage(page, await cancelUrl("DE", { email: "erika@example.com" }));

    const button = page.getByRole("button", { name: "Jetzt kündigen" });
    await button.waitFor();
    assert.equal(await page.locator("html").getAttribute("lang"), "de");
    const box = await button.boundingBox();
    assert.ok(box && box.y + box.height <= 640, `the button is below the fold: ${JSON.stringify(box)}`);
    // Nothing before it: no survey, no offer, no other button.
    assert.equal(await page.getByRole("radio", { name: /teuer|expensive/i }).count(), 0);
    assert.equal(await page.getByTestId("offer").count(), 0);
    assert.equal(await page.getByRole("button").count(), 1, "one button on the page");
    const address = page.getByLabel("E-Mail-Adresse für Ihre Bestätigung");
    assert.equal(await address.inputValue(), "grace@example.com", "pre-filled from Stripe");
    await address.fill(email);
    await page.getByText("Ordentliche Kündigung").first().waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/direct-de-${javaScriptEnabled ? "js" : "nojs"}-360.png`, fullPage: true });
    if (javaScriptEnabled) assert.deepEqual(await axeViolations(page), [], "direct page");

    await button.click();
    await page.getByRole("heading", { name: "Ihr Abonnement ist gekündigt" }).waitFor();
    const receipt = await page.getByTestId("receipt").innerText();
    const today = new Intl.DateTimeFormat("de", { dateStyle: "long", timeZone: "UTC" }).format(new Date());
    assert.ok(receipt.includes("Eingegangen am") && receipt.includes(today) && receipt.includes("UTC"), receipt);
    assert.ok(receipt.includes("Vertragsende") && receipt.includes("Referenz"), receipt);
    // Stripe's address gets the full receipt; the typed one a copy.
    const sentTo = await page.getByTestId("email-sent").allInnerTexts();
    assert.ok(sentTo.some((t) => t.includes(email)) && sentTo.some((t) => t.includes("grace@example.com")), sentTo.join(" / "));

    const [mail] = await waitForEmail(email);
    assert.ok(mail, "the confirmation e-mail was sent");
    assert.ok(mail.subject.startsWith("Bestätigung Ihrer Kündigung"), mail.subject);
    assert.ok(mail.text.includes("Eingegangen am") && mail.text.includes(today) && mail.text.includes("/receipt/"), mail.text);
    // The printable receipt, at its link, without signing in.
    await page.getByTestId("receipt-link").click();
    await page.getByRole("heading", { name: "Bestätigung Ihrer Kündigung" }).waitFor();
    await context.close();
  });
}

// One cancel per subscription: a new cancel link for a subscription
// already cancelled shows that cancel's receipt, in the customer's
// language, instead of a second cancel (and a second e-mail).
test("a second cancel of a cancelled subscription shows the first receipt in German, JavaScript off", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, locale: "de-DE", viewport: { width: 360, height: 640 } });
  const page = await context.newPage();
  const sub = await newSubscription();
  await page.goto(await cancelUrl("DE", {}, "snack_monthly", sub));
  await page.getByRole("button", { name: "Jetzt kündigen" }).click();
  await page.getByRole("heading", { name: "Ihr Abonnement ist gekündigt" }).waitFor();
  const first = await page.getByTestId("receipt").innerText();
  const reference = first.match(/ses_[0-9a-z]+/)[0];

  await page.goto(await cancelUrl("DE", {}, "snack_monthly", sub));
  await page.getByRole("heading", { name: "Ihr Abonnement ist gekündigt" }).waitFor();
  // Dated in the customer's time zone, as the first receipt was.
  const already = await page.getByTestId("already-cancelled").innerText();
  const [, on, ends] = already.match(/^Bereits gekündigt am (.+), endet am (.+)\.$/) || [];
  assert.ok(on && ends && first.includes(on), `${already} / ${first}`);
  assert.ok((await page.getByTestId("receipt").innerText()).includes(reference), "the first cancel's receipt");
  assert.equal(await page.getByRole("button", { name: "Jetzt kündigen" }).count(), 0, "no second cancel");
  assert.equal(await page.getByTestId("email-sent").count(), 0, "no second e-mail announced");
  await context.close();
});

// The demo's "a customer in Germany": the customer cannot name their place
// in a browser-signed precancel, so the demo starts the session itself.
test("the demo shows a customer in Germany the direct cancellation", async () => {
  // A subscription of its own: the demo's first one may be cancelled by now.
  const sub = await newSubscription();
  const page = await browser.newPage();
  await page.goto(`${BASE}/demo?country=DE&subscription=${sub}`);
  await page.getByRole("link", { name: "Verträge hier kündigen" }).click();
  await page.getByRole("button", { name: "Jetzt kündigen" }).waitFor();
  assert.equal(await page.locator("html").getAttribute("lang"), "de");
  await page.close();
});

test("an Arabic page is laid out right to left with no accessibility violations", async () => {
  const page = await browser.newPage({ locale: "ar", viewport: { width: 360, height: 740 } });
  await page.goto(await cancelUrl("US-TX", { locale: "ar" }));
  await page.getByRole("button", { name: "إلغاء الاشتراك" }).waitFor();
  assert.equal(await page.locator("html").getAttribute("dir"), "rtl");
  assert.equal(await page.locator("html").getAttribute("lang"), "ar");
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector(".actions")).direction), "rtl");
  assert.deepEqual(await axeViolations(page), [], "Arabic survey");
  await page.close();
});

test("a Japanese page shows yen without decimals", async () => {
  try { await stripe("GET", "/v1/plans/snack_monthly_jpy"); } catch {
    await stripe("POST", "/v1/plans", { id: "snack_monthly_jpy", amount: "1200", currency: "jpy", interval: "month", product: "prod_snack_pack", nickname: "Snack Pack (JP)" });
  }
  const page = await browser.newPage({ locale: "ja-JP", viewport: { width: 360, height: 740 } });
  await page.goto(await cancelUrl("JP", { locale: "ja" }, "snack_monthly_jpy"));
  // A new app's own copy comes translated too.
  await page.getByRole("radio", { name: "料金が高すぎる" }).check();
  await page.getByRole("button", { name: "解約する" }).click();
  const facts = await page.getByTestId("offer-facts").innerText();
  assert.match(facts, /[￥¥]1,200/, facts);
  assert.match(facts, /[￥¥]900/, facts);
  assert.ok(!/12\.00|1,200\.00/.test(facts), facts);
  await page.getByRole("button", { name: "いいえ、解約します" }).waitFor();
  await page.close();
});

test("click to cancel: the cancel button on every screen, at most one offer beside it", async () => {
  const page = await browser.newPage({ locale: "en-US", viewport: { width: 360, height: 740 } });
  await page.goto(await cancelUrl("US-CA"));
  await page.getByText("Answering is optional.").waitFor();
  const cancel = page.getByRole("button", { name: "Cancel subscription" });
  assert.ok(await cancel.isVisible(), "cancel on the first screen");
  await page.getByRole("radio", { name: "It's too expensive" }).check();
  await cancel.click();
  await page.getByTestId("offer").waitFor();
  const accept = await page.getByTestId("accept-offer").boundingBox();
  const decline = await page.getByRole("button", { name: "No thanks, cancel my subscription" }).boundingBox();
  assert.ok(accept && decline && Math.abs(decline.y - accept.y) < 120, "cancel beside the offer");
  await page.getByRole("button", { name: "No thanks, cancel my subscription" }).click();
  await page.getByRole("heading", { name: "Your subscription is cancelled" }).waitFor();
  await page.getByTestId("receipt").waitFor();
  await page.close();
});

test("every locale at 360 px", async () => {
  for (const locale of ["en", "de", "fr", "es", "it", "nl", "pt-BR", "pl", "sv", "da", "ja", "ar"]) {
    // A page of its own each time: wrangler dev can stall a revalidated
    // (304) asset for half a minute.
    const page = await browser.newPage({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 1 });
    await page.goto(await cancelUrl("US-TX", { locale }));
    await page.getByTestId("cancel-button").waitFor();
    assert.equal(await page.locator("html").getAttribute("lang"), locale);
    const [scroll, width] = await page.evaluate(() => [document.scrollingElement.scrollWidth, window.innerWidth]);
    assert.ok(scroll <= width, `${locale} scrolls sideways`);
    await page.screenshot({ path: `${ARTIFACTS}/locale-${locale}-360.png`, fullPage: true });
    await page.close();
  }
});

test("an admin translates the page into German, and a German customer reads it", async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
  await signIn(page);
  await page.getByLabel("New app name").fill("Translated app");
  await page.getByRole("button", { name: "Create app" }).click();
  await page.getByTestId("new-secrets").waitFor();
  const appId = await page.getByTestId("app-id").innerText();
  const signing = await page.getByTestId("signing-secret").innerText();
  await page.getByRole("link", { name: "Set up its cancel flow" }).click();
  await page.getByRole("heading", { name: "Translated app" }).waitFor();
  // The install screen gives the Cancel link's wording per language.
  await page.getByText("The Cancel link's text where the law asks for a direct cancellation").click();
  await page.getByRole("cell", { name: "Verträge hier kündigen" }).waitFor();

  // The default copy comes translated; the admin's own heading does not.
  const missing = page.getByTestId("missing-translations").locator('li[data-locale="de"]');
  assert.match(await missing.innerText(), /complete/);
  await page.getByLabel("Heading", { exact: true }).fill("Hold on, {{first_name | friend}}");
  assert.match(await missing.innerText(), /title/);
  await page.getByLabel("Language", { exact: true }).selectOption({ label: "Deutsch" });
  await page.getByLabel("Deutsch: page title").fill("Bevor Sie gehen, {{first_name | hallo}}");
  await page.getByLabel("Deutsch: reason too_expensive").fill("Es ist wirklich zu teuer");
  assert.match(await missing.innerText(), /complete/);
  await page.getByTestId("email-from").fill("cancel@shop.example");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByTestId("saved").waitFor();

  const sub = await newSubscription();
  const pre = await fetch(`${BASE}/precancel`, {
    method: "POST", headers: { "content-type": "application/json", "cf-connecting-ip": "198.51.100.251" },
    body: JSON.stringify({ app_id: appId, subscription_id: sub, first_name: "Ada", locale: "de", ...timedSignature(signing, sub) }),
  });
  const { url } = await pre.json();
  await page.goto(url);
  await page.getByRole("heading", { name: "Bevor Sie gehen, Ada" }).waitFor();
  await page.getByRole("radio", { name: "Es ist wirklich zu teuer" }).waitFor();
  await page.getByRole("button", { name: "Abonnement behalten" }).waitFor();
  await page.close();
});
