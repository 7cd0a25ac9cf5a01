// A policy's upload rules set in the admin form (chunk concurrency, a deny list), and the
// uploader sending that many chunks of one file at once: every chunk of a multi-chunk upload is
// held until three are in flight together, so a page sending one at a time never finishes.
import { expect, test } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { freshUser, names, signIn } from "./explorer-helpers";
import { apiAs, signInPage, snap } from "./helpers";

const MiB = 1024 * 1024;

type Policy = { id: number; name: string; settings: Record<string, unknown> };

test("chunks of one file go three at a time with chunk_concurrency 3", async ({
  page,
  browser,
  request,
}, info) => {
  test.setTimeout(120_000);
  const admin = await apiAs(request, ACCOUNTS.admin);
  const name = `Parallel ${Date.now().toString(36)}`;
  await admin("PUT", "/admin/policy", {
    body: {
      policy: {
        name,
        type: "local",
        max_size: 0,
        dir_name_rule: `parallel-${Date.now().toString(36)}/{uid}/{path}`,
        file_name_rule: "{uid}_{randomkey8}_{originname}",
        settings: { chunk_size: MiB },
      },
    },
  });
  const listed = await admin<{ policies: Policy[] }>("POST", "/admin/policy", {
    body: { page: 1, page_size: 200 },
  });
  const policy = listed.policies.find((p) => p.name === name);
  expect(policy).toBeTruthy();

  // The rules, set in the admin form.
  await signInPage(page, ACCOUNTS.admin);
  await page.goto("/admin/policies");
  await page.getByRole("button", { name: `Edit ${name}` }).click();
  const form = page.getByRole("dialog", { name: `Edit ${name}` });
  await form.getByLabel("Chunks uploaded at once").fill("3");
  await form.getByLabel("File extensions").fill("exe, bat");
  await form
    .getByRole("switch", { name: "Refuse these extensions instead of allowing only them" })
    .check();
  await snap(page, info, "policy-rules-form");
  await form.getByRole("button", { name: "Test and save" }).click();
  await expect(form).toBeHidden();
  const saved = await admin<Policy>("GET", `/admin/policy/${policy?.id}`);
  expect(saved.settings).toMatchObject({
    chunk_concurrency: 3,
    file_type: ["exe", "bat"],
    is_file_type_deny_list: true,
    chunk_size: MiB,
  });

  const base = await admin<Record<string, unknown>>("GET", "/admin/group/2");
  const group = await admin<{ id: number }>("PUT", "/admin/group", {
    body: {
      group: {
        name: `Parallel ${Date.now().toString(36)}`,
        max_storage: base.max_storage,
        speed_limit: 0,
        permissions: base.permissions,
        settings: base.settings,
        storage_policy_id: policy?.id,
      },
    },
  });
  const { account, api } = await freshUser(request, "parallel", group.id);

  const context = await browser.newContext();
  const member = await context.newPage();
  await signIn(member, account);
  // Each chunk waits until three are waiting (or it is among the last ones).
  const pending: (() => void)[] = [];
  let most = 0;
  const sent: number[] = [];
  await member.route(/\/api\/v4\/file\/upload\/[^/]+\/(\d+)$/, async (route) => {
    sent.push(Number(/(\d+)$/.exec(route.request().url())?.[1]));
    pending.push(() => void route.continue());
    most = Math.max(most, pending.length);
    if (pending.length >= 3) for (const go of pending.splice(0)) go();
  });
  const bytes = Buffer.alloc(6 * MiB);
  for (let i = 0; i < 6; i++) bytes.fill(i + 1, i * MiB, (i + 1) * MiB);
  await member.getByTestId("upload-input").setInputFiles({
    name: "six.bin",
    mimeType: "application/octet-stream",
    buffer: bytes,
  });
  await expect(member.getByTestId("upload-total")).toHaveText("Uploads finished", {
    timeout: 60_000,
  });
  expect(most).toBe(3);
  expect([...sent].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  expect(await names(api)).toContain("six.bin");

  // The deny list refuses an .exe before any byte is sent.
  await member.getByTestId("upload-input").setInputFiles({
    name: "tool.exe",
    mimeType: "application/octet-stream",
    buffer: Buffer.from("MZ"),
  });
  await expect(member.locator('[data-testid="upload-row"][data-status="error"]')).toContainText(
    "tool.exe",
  );
  await snap(member, info, "upload-refused-by-rule");
  await context.close();
});
