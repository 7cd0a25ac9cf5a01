// Storage policies, files, blobs and shares in the admin console against the real server: a
// local policy made in the wizard and bound to a group receives that group's next upload
// (checked through the admin files API); an S3 policy with a wrong secret shows the bucket's
// signature error and is not saved (s3s-fs, which checks SigV4); a share deleted by the
// administrator is gone for its visitor. Screenshots of each page.
import { expect, type Page, type TestInfo, test } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { ACCESS_KEY, BUCKET, SECRET_KEY, startBucket } from "./bucket";
import { apiAs, fillSignIn, signInPage, snap } from "./helpers";
import { newAccount } from "./site";

type Policy = { id: number; name: string; type: string };
type Group = Record<string, unknown> & { id: number; name: string };

async function openAdmin(page: Page, which: string) {
  await page.goto(`/admin/${which}`);
  await expect(
    page.getByRole("navigation", { name: /Administration sections|管理/ }),
  ).toBeVisible();
}

async function navTo(page: Page, which: string) {
  await page.locator(`nav a[href="/admin/${which}"]`).click();
  await expect(page).toHaveURL(new RegExp(`/admin/${which}`));
}

test("a local policy made in the wizard receives the next upload of its group's users", async ({
  page,
  browser,
  request,
}) => {
  test.setTimeout(120_000);
  const admin = await apiAs(request, ACCOUNTS.admin);
  const name = `Archive disk ${Date.now().toString(36)}`;

  await signInPage(page, ACCOUNTS.admin);
  await openAdmin(page, "policies");
  await page.getByRole("button", { name: "New policy" }).click();
  const dialog = page.getByRole("dialog", { name: "New storage policy" });
  await dialog.getByRole("textbox", { name: "Name", exact: true }).fill(name);
  await dialog.getByLabel("Folder rule").fill(`archive-${Date.now().toString(36)}/{uid}/{path}`);
  await dialog.getByRole("button", { name: "Test and save" }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("Local disk");

  const policies = await admin<{ policies: Policy[] }>("POST", "/admin/policy", {
    body: { page: 1, page_size: 100 },
  });
  const policy = policies.policies.find((p) => p.name === name);
  expect(policy).toBeTruthy();

  // The group: a copy of the default user group, uploading to the new policy.
  const base = await admin<Group>("GET", "/admin/group/2");
  const group = await admin<Group>("PUT", "/admin/group", {
    body: {
      group: {
        name: `Archivists ${Date.now().toString(36)}`,
        max_storage: base.max_storage,
        speed_limit: 0,
        permissions: base.permissions,
        settings: base.settings,
        storage_policy_id: policy?.id,
      },
    },
  });
  const member = await newAccount(request, "archivist", group.id);

  // The member uploads through the page, in a context of their own.
  const context = await browser.newContext();
  const memberPage = await context.newPage();
  await memberPage.goto("/session");
  await fillSignIn(memberPage, member);
  await expect(memberPage).toHaveURL(/\/home/, { timeout: 30_000 });
  await memberPage.getByTestId("upload-input").setInputFiles({
    name: "ledger.txt",
    mimeType: "text/plain",
    buffer: Buffer.from("the ledger of the archive\n"),
  });
  await expect(memberPage.getByTestId("upload-total")).toHaveText("Uploads finished", {
    timeout: 30_000,
  });
  await context.close();

  const users = await admin<{ users: { id: number; email: string }[] }>("POST", "/admin/user", {
    body: { page: 1, page_size: 10, searches: { user_email: member.email } },
  });
  const memberId = users.users.find((u) => u.email === member.email)?.id;
  const files = await admin<{ files: { name: string; storage_policy_files?: number }[] }>(
    "POST",
    "/admin/file",
    { body: { page: 1, page_size: 10, conditions: { file_user: String(memberId) } } },
  );
  const ledger = files.files.find((f) => f.name === "ledger.txt");
  expect(ledger?.storage_policy_files).toBe(policy?.id);

  // The files page finds it by owner, with its policy named.
  await navTo(page, "files");
  await page.getByLabel("Owner (user ID)").fill(String(memberId));
  const fileRow = page.getByRole("row").filter({ hasText: "ledger.txt" });
  await expect(fileRow).toContainText(name);

  // The policy holds a blob now: deleting it is refused with the server's reason.
  await navTo(page, "policies");
  await page.getByRole("button", { name: `Delete ${name}` }).click();
  const confirm = page.getByRole("dialog", { name: `Delete ${name}?` });
  await confirm.getByRole("button", { name: "Delete" }).click();
  await expect(confirm.getByRole("alert")).toContainText(/still has|used by groups/);
  await confirm.getByRole("button", { name: "Cancel" }).click();
});

// --- S3 -------------------------------------------------------------------------------------

test("an S3 policy with a wrong secret shows the signature error and is not saved", async ({
  page,
  request,
}) => {
  const s3 = await startBucket();
  try {
    const name = `Bucket ${Date.now().toString(36)}`;
    await signInPage(page, ACCOUNTS.admin);
    await openAdmin(page, "policies");
    await page.getByRole("button", { name: "New policy" }).click();
    const dialog = page.getByRole("dialog", { name: "New storage policy" });
    await dialog.getByText("S3-compatible").click();
    await dialog.getByRole("textbox", { name: "Name", exact: true }).fill(name);
    await dialog.getByLabel("Endpoint").fill(s3.endpoint);
    await dialog.getByRole("textbox", { name: "Bucket", exact: true }).fill(BUCKET);
    await dialog.getByLabel("Access key").fill(ACCESS_KEY);
    await dialog.getByLabel("Secret key").fill("not-the-secret-key-at-all-000000");
    await dialog.getByLabel("Path-style addresses").check();
    await dialog.getByRole("button", { name: "Test and save" }).click();
    const refusal = dialog.getByRole("alert");
    await expect(refusal).toContainText("storage test failed", { timeout: 30_000 });
    await expect(refusal).toContainText(/SignatureDoesNotMatch|signature/i);
    await snap(page, test.info(), "admin-policy-s3-refused");

    const admin = await apiAs(request, ACCOUNTS.admin);
    const listed = await admin<{ policies: Policy[] }>("POST", "/admin/policy", {
      body: { page: 1, page_size: 100 },
    });
    expect(listed.policies.map((p) => p.name)).not.toContain(name);

    // The right secret passes the same test and is saved.
    await dialog.getByLabel("Secret key").fill(SECRET_KEY);
    await dialog.getByRole("button", { name: "Test and save" }).click();
    await expect(dialog).toBeHidden({ timeout: 30_000 });
    await expect(page.getByRole("row").filter({ hasText: name })).toContainText("S3-compatible");
  } finally {
    await s3.stop();
  }
});

test("a share deleted by the administrator is gone for its visitor", async ({
  page,
  browser,
  request,
}) => {
  const owner = await newAccount(request, "sharer");
  const api = await apiAs(request, owner);
  const file = `handout-${Date.now().toString(36)}.txt`;
  await api("POST", "/file/create", { body: { uri: `cloudreve://my/${file}`, type: "file" } });
  const made = await api<string>("PUT", "/share", { body: { uri: `cloudreve://my/${file}` } });
  // The link is on the site's address; the visitor opens its path on this server.
  const link = new URL(made).pathname;

  const visitor = await browser.newContext();
  const guest = await visitor.newPage();
  await guest.goto(link);
  await expect(guest.getByText(file).first()).toBeVisible();

  await signInPage(page, ACCOUNTS.admin);
  await openAdmin(page, "shares");
  const row = page.getByRole("row").filter({ hasText: file });
  await expect(row).toBeVisible();
  await row.getByRole("checkbox").check();
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  const confirm = page.getByRole("dialog");
  await expect(confirm).toContainText("Share links chosen: 1");
  await confirm.getByRole("button", { name: "Delete links" }).click();
  await expect(row).toBeHidden();

  await guest.goto(link);
  await expect(guest.getByRole("heading", { name: "This link no longer works" })).toBeVisible();
  await visitor.close();
});

async function snapAll(page: Page, info: TestInfo, suffix: string) {
  await openAdmin(page, "dashboard");
  for (const which of ["policies", "files", "entities", "shares"]) {
    await navTo(page, which);
    await expect(
      page.getByText(/\d+ in all|共 \d+/).or(page.getByTestId("policy-1")),
    ).toBeVisible();
    await snap(page, info, `admin-${which}-${suffix}`);
  }
  await navTo(page, "policies");
  await page.getByRole("button", { name: /New policy|新建策略/ }).click();
  await page
    .getByRole("dialog")
    .getByText(/S3-compatible|S3 兼容存储/)
    .click();
  await snap(page, info, `admin-policy-form-${suffix}`);
  await page.keyboard.press("Escape");
}

test("screenshots of the storage pages: light, dark, zh-CN, 1024 px", async ({ page }, info) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await signInPage(page, ACCOUNTS.admin);
  await snapAll(page, info, "light");
  await page.emulateMedia({ colorScheme: "dark" });
  await snapAll(page, info, "dark");
  await page.emulateMedia({ colorScheme: "light" });
  await page.evaluate(() => localStorage.setItem("stratus.language", "zh-CN"));
  await page.reload();
  await snapAll(page, info, "zh");
  await page.evaluate(() => localStorage.setItem("stratus.language", "en-US"));
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.reload();
  await snapAll(page, info, "1024");
});
