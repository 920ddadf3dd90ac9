// Admins as a team, in Chromium: an owner invites an editor and a viewer by
// one-time links; the editor joins once (the link then no longer works);
// the viewer reads the dashboard and cannot reach or submit a settings form.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { ARTIFACTS, BASE, launch, signIn } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => browser && (await browser.close()));

async function inviteLink(page, email, role) {
  await page.goto(`${BASE}/admin/team`);
  await page.getByRole("heading", { name: "Invite an admin" }).waitFor();
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption(role);
  await page.getByRole("button", { name: "Create invitation link" }).click();
  const box = page.getByTestId("invite-link");
  await box.waitFor();
  return (await box.locator("code").innerText()).trim();
}

async function join(link, password) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link);
  await page.getByRole("heading", { name: "Join Holdfast" }).waitFor();
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create my account" }).click();
  return { context, page };
}

test("an invited editor joins once; a viewer reads the dashboard and reaches no settings form", async () => {
  const owner = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await signIn(owner);
  const stamp = Date.now();
  const editorLink = await inviteLink(owner, `editor-${stamp}@team.test`, "editor");
  const viewerLink = await inviteLink(owner, `viewer-${stamp}@team.test`, "viewer");
  assert.match(editorLink, /\/admin\/invite#[0-9a-f]{64}$/);
  await owner.screenshot({ path: `${ARTIFACTS}/team.png`, fullPage: true });

  const editor = await join(editorLink, "an editor's long passphrase");
  await editor.page.getByRole("heading", { name: "Apps" }).waitFor();
  const nav = editor.page.getByRole("navigation", { name: "Settings" });
  assert.equal(await nav.getByRole("link", { name: "Team" }).count(), 0, "editors manage no admins");
  await editor.context.close();

  const again = await join(editorLink, "somebody else's passphrase");
  await again.page.getByText("This invitation no longer works").waitFor();
  assert.equal(await again.page.getByRole("heading", { name: "Join Holdfast" }).count(), 1, "still outside");
  await again.context.close();

  const viewer = await join(viewerLink, "a viewer's long passphrase");
  const page = viewer.page;
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  await page.getByTestId("kpi-saves").waitFor();
  const links = await page.getByRole("navigation", { name: "Settings" }).getByRole("link").allInnerTexts();
  assert.deepEqual(links.map((l) => l.trim()), ["Dashboard", "Account"], "a viewer's menu");
  await page.goto(`${BASE}/admin/apps/demo`);
  await page.getByText("Your role (viewer) reads the dashboard and sessions only").waitFor();
  assert.equal(await page.getByRole("button", { name: "Save" }).count(), 0, "no settings form");
  assert.equal(await page.locator("form").count(), 0, "no form at all");
  // Nor by hand: the server refuses the write whatever the page shows.
  const me = await (await page.request.get(`${BASE}/api/admin/me`)).json();
  assert.equal(me.role, "viewer");
  const put = await page.request.put(`${BASE}/api/admin/apps/demo/settings`, {
    headers: { "x-csrf-token": me.csrf_token }, data: { title: "Hijacked" },
  });
  assert.equal(put.status(), 403);
  await page.screenshot({ path: `${ARTIFACTS}/team-viewer.png`, fullPage: true });
  await viewer.context.close();
  await owner.close();
});

test("an admin changes the password on the Account page and signs in with the new one", async () => {
  const owner = await browser.newPage();
  await signIn(owner);
  const email = `password-${Date.now()}@team.test`;
  const link = await inviteLink(owner, email, "editor");
  await owner.close();
  const { context, page } = await join(link, "the first long passphrase");
  await page.getByRole("heading", { name: "Apps" }).waitFor();
  await page.getByRole("link", { name: "Account" }).click();
  await page.getByRole("heading", { name: "Password" }).waitFor();
  // The same rule as setup: too short is refused, and said so by the field.
  await page.getByLabel("Current password").fill("the first long passphrase");
  await page.getByLabel("New password").fill("short");
  await page.getByLabel("New password").evaluate((i) => i.removeAttribute("minlength"));
  await page.getByRole("button", { name: "Change password" }).click();
  await page.locator('[data-field="new_password"]').getByText("Use at least 12 characters.").waitFor();
  await page.getByLabel("New password").fill("the second long passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByTestId("password-changed").waitFor();
  await page.getByRole("button", { name: "Sign out", exact: true }).click();

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("the first long passphrase");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("That email and password do not match.").waitFor();
  await page.getByLabel("Password").fill("the second long passphrase");
  await page.getByRole("button", { name: "Sign in" }).click();
  // Signed in again, where they signed out.
  await page.getByRole("heading", { name: "Your account" }).waitFor();
  await page.getByRole("button", { name: "Sign out", exact: true }).waitFor();
  await context.close();
});

test("an owner revokes an open invitation, and its link no longer works", async () => {
  const owner = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await signIn(owner);
  const email = `revoked-${Date.now()}@team.test`;
  const link = await inviteLink(owner, email, "viewer");
  const table = owner.getByRole("table", { name: "Open invitations" });
  const row = table.getByRole("row").filter({ hasText: email });
  await row.waitFor();
  assert.match(await row.innerText(), /viewer/);
  await owner.getByRole("button", { name: `Revoke the invitation of ${email}` }).click();
  await row.waitFor({ state: "detached" });
  await owner.close();

  const { context, page } = await join(link, "a revoked invitee's passphrase");
  await page.getByText("This invitation no longer works").waitFor();
  assert.equal(await page.getByRole("heading", { name: "Join Holdfast" }).count(), 1, "still outside");
  await context.close();
});

test("an editor sees the owners' settings read-only, with the reason, and edits the copy", async () => {
  const owner = await browser.newPage();
  await signIn(owner);
  const link = await inviteLink(owner, `readonly-${Date.now()}@team.test`, "editor");
  await owner.close();
  const { context, page } = await join(link, "an editor's long passphrase");
  await page.getByRole("heading", { name: "Apps" }).waitFor();
  await page.goto(`${BASE}/admin/apps/demo`);
  await page.getByTestId("owner-only-return_origins").waitFor();
  assert.match(await page.getByTestId("owner-only-return_origins").innerText(), /Only owners change where customers may be sent/);
  assert.equal(await page.getByTestId("return-origins").isDisabled(), true, "return origins read-only");
  assert.equal(await page.getByTestId("email-from").isDisabled(), true, "the sender read-only");
  assert.equal(await page.getByRole("button", { name: "Add rule" }).isDisabled(), true, "the laws read-only");
  assert.equal(await page.getByLabel("Heading", { exact: true }).isDisabled(), false, "the copy is the editor's");
  await context.close();
});
