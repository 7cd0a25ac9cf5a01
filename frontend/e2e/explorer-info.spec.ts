// The info panel (details, versions, tags, direct link) and lock conflicts with force unlock.
import { expect, test } from "@playwright/test";
import { freshUser, mkfile, my, names, row, signIn, writeFile } from "./explorer-helpers";
import { snap } from "./helpers";

type Info = {
  primary_entity?: string;
  metadata: Record<string, string>;
  extended_info?: { entities?: { id: string; size: number; type: number }[] };
};

test("info panel: details, versions, tags and a direct link", async ({ page, request }, info) => {
  // The admin group: direct links need a `source_batch` the default group may lack.
  const { account, api } = await freshUser(request, "info", 1);
  await api("PATCH", "/user/setting", { body: { version_retention_enabled: true } });
  await mkfile(api, ["draft.txt"], "first");
  await writeFile(api, ["draft.txt"], "second, longer");
  const infoOf = () =>
    api<Info>("GET", "/file/info", { query: { uri: my("draft.txt"), extended: "true" } });
  const before = await infoOf();
  const versions = before.extended_info?.entities?.filter((e) => e.type === 0) ?? [];
  expect(versions.length).toBe(2);
  await signIn(page, account);

  await row(page, "draft.txt").click();
  await page.keyboard.press("Alt+Enter");
  const panel = page.getByRole("dialog", { name: "draft.txt" });
  await expect(panel.getByRole("table", { name: "Details" })).toContainText("14 B");
  await expect(panel.getByRole("table", { name: "Details" })).toContainText("/draft.txt");
  await expect(panel.getByTestId("version")).toHaveCount(2);
  await snap(page, info, "explorer-info");

  // The older version becomes current, then the newer one is deleted.
  await panel.getByRole("button", { name: "Make this the current version" }).click();
  await expect(async () => {
    const now = await infoOf();
    expect(now.primary_entity).not.toBe(before.primary_entity);
  }).toPass();
  await panel.getByRole("button", { name: "Delete this version" }).click();
  await expect(panel.getByTestId("version")).toHaveCount(1);
  expect((await infoOf()).extended_info?.entities?.filter((e) => e.type === 0).length).toBe(1);

  // Tags are metadata `tag:<name>`.
  await panel.getByLabel("Tags").fill("urgent");
  await page.keyboard.press("Enter");
  await expect(async () => expect((await infoOf()).metadata).toHaveProperty("tag:urgent")).toPass();

  await panel.getByRole("button", { name: "Get a direct link" }).click();
  await expect(panel.getByLabel("Get a direct link")).toHaveValue(/\/f\//);
});

test("a locked file: the conflict offers a force unlock, then the delete goes through", async ({
  page,
  request,
}, info) => {
  // WebDAV is a permission of the admin group only, by default.
  const { account, api } = await freshUser(request, "locks", 1);
  await mkfile(api, ["held.txt"], "held");
  const dav = await api<{ password: string }>("PUT", "/devices/dav", {
    body: { uri: "cloudreve://my", name: "editor" },
  });
  const auth = `Basic ${Buffer.from(`${account.email}:${dav.password}`).toString("base64")}`;
  const lock = await request.fetch("/dav/held.txt", {
    method: "LOCK",
    headers: { Authorization: auth, Timeout: "Second-600", "Content-Type": "application/xml" },
    data: '<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner>editor</D:owner></D:lockinfo>',
  });
  expect(lock.status()).toBe(200);
  await signIn(page, account);

  await row(page, "held.txt").click();
  await page.keyboard.press("Delete");
  await page.getByRole("dialog").getByRole("button", { name: "Move to trash" }).click();
  const conflict = page.getByRole("dialog", { name: "Locked files" });
  await expect(conflict).toContainText("held.txt");
  await snap(page, info, "explorer-lock-conflict");
  expect(await names(api)).toEqual(["held.txt"]);
  await conflict.getByRole("button", { name: "Force unlock and retry" }).click();
  await expect(conflict).toHaveCount(0);
  await expect(row(page, "held.txt")).toHaveCount(0);
  expect(await names(api)).toEqual([]);
});
