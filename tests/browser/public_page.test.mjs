// The public "cancel contract here" page (issue 39), as a German customer
// who cannot sign in meets it: from the merchant's footer link, with
// JavaScript on and off, the button on the first screen of a 360×640
// phone, a wrong field named beside itself, the printable receipt at once,
// and the e-mail to the typed address with the fixed text only.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { ARTIFACTS, BASE, launch, axeViolations, newSubscription, signIn, stripe, waitForEmail } from "./lib.mjs";

const STATE = process.env.HOLDFAST_STATE;
assert.ok(STATE, "run with scripts/test");

let browser;
before(async () => { browser = await launch(); });
after(async () => browser && (await browser.close()));

for (const javaScriptEnabled of [true, false]) {
  test(`the public cancel page in German, JavaScript ${javaScriptEnabled ? "on" : "off"}`, async () => {
    const context = await browser.newContext({ javaScriptEnabled, locale: "de-DE", viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const email = `grete-${Date.now()}-${javaScriptEnabled ? "js" : "nojs"}@example.de`;
    const url = `${BASE}/cancel-contract/t_intl`;
    await page.setContent(`<!doctype html><html lang="de"><title>Shop</title><footer><a href="${url}">Verträge hier kündigen</a></footer></html>`);
    await page.getByRole("link", { name: "Verträge hier kündigen" }).click();

    await page.getByRole("heading", { name: "Verträge hier kündigen" }).waitFor();
    assert.equal(await page.locator("html").getAttribute("lang"), "de");
    const button = page.getByRole("button", { name: "Jetzt kündigen" });
    const box = await button.boundingBox();
    assert.ok(box && box.y + box.height <= 640, `the button is below the fold: ${JSON.stringify(box)}`);
    assert.equal(await page.getByRole("button").count(), 1, "one button, nothing before it");
    if (javaScriptEnabled) assert.deepEqual(await axeViolations(page), [], "public page");

    // A missing name is named beside its field; nothing else is lost.
    await page.getByLabel("E-Mail-Adresse für Ihre Bestätigung").fill(email);
    await button.click();
    const error = page.getByTestId("error-name");
    await error.waitFor();
    assert.equal(await error.innerText(), "Bitte geben Sie Ihren Namen an.");
    assert.equal(await page.getByLabel("Ihr Name").getAttribute("aria-invalid"), "true");
    assert.equal(await page.getByLabel("E-Mail-Adresse für Ihre Bestätigung").inputValue(), email);
    if (javaScriptEnabled) assert.deepEqual(await axeViolations(page), [], "public page with an error");

    await page.getByLabel("Ihr Name").fill("Grete Müller");
    await page.getByLabel("Kunden- oder Vertragsnummer").fill("K-2001");
    await page.getByLabel("Außerordentliche Kündigung aus wichtigem Grund").check();
    await page.getByLabel("Grund der außerordentlichen Kündigung").fill("Umzug ins Ausland");
    await page.screenshot({ path: `${ARTIFACTS}/public-de-${javaScriptEnabled ? "js" : "nojs"}-360.png`, fullPage: true });
    await page.getByRole("button", { name: "Jetzt kündigen" }).click();

    // The printable receipt at its signed link, at once.
    await page.getByRole("heading", { name: "Bestätigung Ihrer Kündigung" }).waitFor();
    assert.match(page.url(), /\/receipt\/ses_[0-9a-f]+\/[0-9a-f]+$/);
    const receipt = await page.getByTestId("receipt").innerText();
    for (const text of ["Grete Müller", "K-2001", "Umzug ins Ausland", "Eingegangen am", "Referenz"]) {
      assert.ok(receipt.includes(text), `${text}: ${receipt}`);
    }
    // The typed address: the fixed text, nothing the visitor typed.
    const [mail] = await waitForEmail(email);
    assert.ok(mail, "the confirmation e-mail was sent");
    assert.equal(mail.subject, "Bestätigung Ihrer Kündigung");
    assert.ok(mail.text.includes("Eingegangen am") && mail.text.includes("/receipt/"), mail.text);
    assert.ok(!mail.text.includes("Grete") && !mail.text.includes("Umzug"), mail.text);
    await context.close();
  });
}

test("an editor finds the subscription for a public declaration in Stripe and cancels it from the list", async () => {
  const email = `liste-${Date.now()}@example.de`;
  // Two customers with the address: Holdfast cannot tell which is meant,
  // so the declaration waits for a person.
  const sub = await newSubscription("snack_monthly", email);
  const other = await newSubscription("snack_monthly", email);
  const declared = await fetch(`${BASE}/cancel-contract/t_intl`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", "accept-language": "de" },
    body: new URLSearchParams({ nonce: `browser-list-${Date.now()}`, name: "Grete Müller", email, choice: "next" }).toString(),
  });
  assert.equal(declared.status, 303);

  const page = await browser.newPage();
  await signIn(page);
  // The dashboard says requests wait, and leads to them.
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Dashboard" }).click();
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  await page.getByLabel("App", { exact: true }).selectOption("t_intl");
  const waiting = page.getByTestId("open-requests").getByRole("link", { name: /cancellation requests? waits? for review/ });
  await waiting.click();
  await page.getByRole("heading", { name: "Cancellation requests" }).waitFor();
  assert.ok(page.url().endsWith("/admin/apps/t_intl#cancel-requests"), page.url());
  const request = page.getByTestId("cancel-request").filter({ hasText: email });
  await request.getByText("Ordinary, at the next possible date").waitFor();
  await request.getByRole("button", { name: "Find in Stripe" }).click();
  const found = request.getByRole("form", { name: "Subscriptions found in Stripe" });
  await request.getByText("several customers in Stripe have this address").waitFor();
  const pick = found.getByRole("checkbox", { name: new RegExp(sub) });
  await pick.waitFor();
  assert.ok(!(await pick.isChecked()), "two live subscriptions: none is ticked for the editor");
  await pick.check();
  await found.getByRole("button", { name: "Cancel the ticked subscriptions" }).click();
  await page.getByTestId("cancel-request").filter({ hasText: email }).getByText(`Cancelled: ${sub}`).waitFor();
  assert.equal(await page.getByTestId("cancel-request").filter({ hasText: email }).getByRole("button").count(), 0, "nothing left to do");
  const inStripe = await stripe("GET", `/v1/subscriptions/${sub}`);
  assert.equal(inStripe.cancel_at_period_end, true, JSON.stringify(inStripe));
  const untouched = await stripe("GET", `/v1/subscriptions/${other}`);
  assert.equal(untouched.cancel_at_period_end, false, "only the ticked one");
  // The dashboard counts it by channel, as resolved by a reviewer.
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Dashboard" }).click();
  await page.getByLabel("App", { exact: true }).selectOption("t_intl");
  await page.getByRole("heading", { name: "By channel" }).waitFor();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="channel-reviewed"]')?.textContent) >= 1);
  assert.ok(Number(await page.getByTestId("channel-public").textContent()) >= 1);
  await page.close();
});
