// The original brightback.js sends its precancel with
// XMLHttpRequest.withCredentials = true. A merchant who kept that client and
// changed only its URL must still reach the cancel page: the browser reads a
// credentialed cross-origin answer only when it allows credentials.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import http from "node:http";
import { BASE, launch, newSubscription } from "./lib.mjs";

let browser;
let server;
before(async () => { browser = await launch(); });
after(async () => {
  if (browser) await browser.close();
  if (server) server.close();
});

/// A merchant's account page on its own origin (another port), whose own
/// script does what brightback.js does: precancel on load, then send the
/// customer to the answer's URL on click.
function merchantPage(payload) {
  return `<!doctype html><html lang="en"><head><title>Shop account</title></head><body>
<main><h1>Your account</h1><a id="bb-cancel" href="/fallback">Cancel subscription</a></main>
<script>
var target = null;
var x = new XMLHttpRequest();
x.open("POST", ${JSON.stringify(`${BASE}/precancel`)});
x.withCredentials = true;
x.setRequestHeader("Content-Type", "application/json");
x.onload = function () {
  var r = JSON.parse(x.responseText);
  if (r.valid) target = r.url;
  document.body.dataset.ready = r.valid ? "yes" : "refused";
};
x.onerror = function () { document.body.dataset.ready = "blocked"; };
x.send(${JSON.stringify(JSON.stringify(payload))});
document.getElementById("bb-cancel").addEventListener("click", function (e) {
  if (target) { e.preventDefault(); window.location.href = target; }
});
</script></body></html>`;
}

test("a credentialed precancel from another origin reaches the cancel page", async () => {
  const sub = await newSubscription();
  const payload = {
    app_id: "t_signed",
    subscription_id: sub,
    auth_hash: createHmac("sha256", process.env.TEST_SIGNING_SECRET).update(sub).digest("hex"),
    timestamp: Date.now(),
    context: { locale: "en-US", timezone: "America/New_York", url: "http://shop.invalid/account" },
  };
  const html = merchantPage(payload);
  server = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(html);
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/account`);
  await page.waitForFunction(() => document.body.dataset.ready !== undefined);
  assert.equal(await page.evaluate(() => document.body.dataset.ready), "yes", "the browser let the page read the answer");
  await page.getByRole("link", { name: "Cancel subscription" }).click();
  await page.waitForURL(/\/cancel\/[0-9a-f]{64}$/);
  assert.ok(page.url().startsWith(`${BASE}/cancel/`), page.url());
  await page.getByRole("heading", { level: 1 }).first().waitFor();
  await page.close();
});

test("the snippet sends the page's address without its query or fragment", async () => {
  const sub = await newSubscription();
  const page = await browser.newPage();
  const sent = new Promise((resolve) => {
    page.on("request", (r) => {
      if (r.method() === "POST" && new URL(r.url()).pathname === "/precancel") resolve(JSON.parse(r.postData()));
    });
  });
  await page.goto(`${BASE}/demo?subscription=${sub}&reset_token=s3cret#frag`);
  const body = await sent;
  assert.equal(body.context.url, `${BASE}/demo`);
  assert.ok(!JSON.stringify(body).includes("s3cret"), "the query stayed on the page");
  await page.close();
});
