// Snapshots in the web UI: take one of a folder from its menu, delete a file, browse the snapshot
// read-only (banner, the deleted file listed, no upload), copy the file back out of it, then
// restore the snapshot in place (replace) and find the file back. Screenshots of the list, the
// read-only explorer (light, dark and phone) and the restore dialog.
import { expect, test } from "@playwright/test";
import { openAdmin } from "./admin-helpers";
import { freshUser, mkdir, mkfile, my, names, row, signIn } from "./explorer-helpers";
import { snap } from "./helpers";
import { expectAccessible } from "./site";

test("take, browse, copy out of and restore a snapshot", async ({ page, request }, info) => {
  // The whole round: take, browse in three looks, copy out, restore, each waited for.
  test.setTimeout(120_000);
  const { account, api } = await freshUser(request, "snapshots");
  await mkdir(api, "Projects");
  await mkfile(api, ["Projects", "notes.txt"], "the notes");
  await mkfile(api, ["Projects", "plan.md"], "# plan");
  await signIn(page, account);

  // Take a snapshot from the folder's row menu.
  await row(page, "Projects").click({ button: "right" });
  await page.getByRole("menuitem", { name: "Take snapshot" }).click();
  const take = page.getByRole("dialog", { name: "Snapshot of Projects" });
  const name = take.getByRole("textbox", { name: "Name" });
  await expect(name).toHaveValue(/^snap-\d{8}-\d{4}$/);
  await name.fill("bad name!");
  await expect(take.getByText("1 to 64 letters, digits, spaces, - or _")).toBeVisible();
  await expect(take.getByRole("button", { name: "Take snapshot" })).toBeDisabled();
  // Spaces are fine; the name is trimmed.
  await name.fill(" before cleanup ");
  await take.getByRole("textbox", { name: "Description" }).fill("Before tidying up");
  await take.getByRole("button", { name: "Take snapshot" }).click();
  await expect(take).toHaveCount(0);

  // A file deleted after the snapshot.
  await api("DELETE", "/file", { body: { uris: [my("Projects", "notes.txt")] } });
  expect(await names(api, "Projects")).toEqual(["plan.md"]);

  // The folder's snapshot list, from the toolbar's menu inside the folder.
  await row(page, "Projects").dblclick();
  await expect(row(page, "plan.md")).toBeVisible();
  await page.getByRole("button", { name: "Folder actions" }).click();
  await page.getByRole("menuitem", { name: "Snapshots…" }).click();
  const drawer = page.getByRole("dialog", { name: "Snapshots of Projects" });
  const card = drawer.getByRole("listitem", { name: "before cleanup" });
  await expect(card).toContainText("Ready");
  await expect(card).toContainText("2 files");
  await expect(card).toContainText("Before tidying up");
  await snap(page, info, "snapshots-list");
  await expectAccessible(page, "the snapshot list");

  // Browse: read only, with the banner.
  await card.getByRole("button", { name: "Browse" }).click();
  await expect(page).toHaveURL(/%40snapshot/);
  const banner = page.getByTestId("snapshot-banner");
  await expect(banner).toContainText("Snapshot before cleanup of /Projects");
  await expect(banner).toContainText("read-only");
  await expect(row(page, "notes.txt")).toBeVisible();
  await expect(row(page, "plan.md")).toBeVisible();
  await expect(page.getByRole("button", { name: "Upload" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "New folder" })).toHaveCount(0);
  await snap(page, info, "snapshots-browse");
  await expectAccessible(page, "the read-only explorer of a snapshot");
  // Its text opens read only, though the user owns it.
  await row(page, "plan.md").dblclick();
  await expect(page.getByRole("heading", { name: "plan", exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Edit", exact: true })).toHaveCount(0);
  await page.keyboard.press("Escape");
  await expect(page.getByRole("heading", { name: "plan", exact: true })).toHaveCount(0);
  await row(page, "notes.txt").click({ button: "right" });
  const menu = page.getByRole("menu");
  await expect(menu.getByRole("menuitem", { name: "Download" })).toBeVisible();
  await expect(menu.getByRole("menuitem", { name: "Rename" })).toHaveCount(0);
  await expect(menu.getByRole("menuitem", { name: "Delete" })).toHaveCount(0);
  await expect(menu.getByRole("menuitem", { name: "Move to…" })).toHaveCount(0);

  // Copy the deleted file back into the live folder.
  await menu.getByRole("menuitem", { name: "Copy to my files…" }).click();
  const copy = page.getByRole("dialog");
  await copy.getByRole("button", { name: "Projects" }).click();
  await copy.getByRole("button", { name: "Copy here" }).click();
  await expect(copy).toHaveCount(0);
  await expect.poll(() => names(api, "Projects")).toEqual(["notes.txt", "plan.md"]);

  // Delete it again, and restore the whole snapshot in place.
  await api("DELETE", "/file", { body: { uris: [my("Projects", "notes.txt")] } });
  await banner.getByRole("button", { name: "Restore…" }).click();
  const restore = page.getByRole("dialog", { name: "Restore before cleanup" });
  await expect(restore).toContainText("Files added since the snapshot go to the trash.");
  await expect(restore).toContainText("before-restore snapshot");
  await snap(page, info, "snapshots-restore");
  await expectAccessible(page, "the restore dialog");
  await restore.getByRole("button", { name: "Restore and replace" }).click();
  await expect(restore).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Open the tasks page" })).toBeVisible();
  await expect
    .poll(() => names(api, "Projects"), { timeout: 30_000 })
    .toEqual(["notes.txt", "plan.md"]);
  // The restore is a task like the others, named on the tasks page.
  await page.goto("/tasks");
  await expect(page.getByText("Restore a snapshot")).toBeVisible();
  await page.goBack();

  // Back to the folder: the banner is gone, the upload button is back.
  await banner.getByRole("button", { name: "Back to folder" }).click();
  await expect(row(page, "notes.txt")).toBeVisible();
  await expect(page.getByTestId("snapshot-banner")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Upload" })).toBeVisible();

  // The list now holds the automatic before-restore snapshot too; dark, then phone width, in
  // Chinese.
  await page.evaluate(() => {
    localStorage.setItem("mantine-color-scheme-value", "dark");
    localStorage.setItem("stratus.language", "zh-CN");
  });
  await page.reload();
  await page.getByRole("button", { name: "文件夹操作" }).click();
  await page.getByRole("menuitem", { name: "快照…" }).click();
  const zhDrawer = page.getByRole("dialog", { name: "Projects 的快照" });
  await expect(zhDrawer.getByRole("listitem")).toHaveCount(2);
  await expect(zhDrawer.getByRole("listitem").first()).toContainText("before-restore");
  await snap(page, info, "snapshots-list-dark-zh");
  await zhDrawer
    .getByRole("listitem", { name: "before cleanup" })
    .getByRole("button", { name: "浏览" })
    .click();
  await expect(page.getByTestId("snapshot-banner")).toContainText("只读");
  await snap(page, info, "snapshots-browse-dark-zh");
  await page.setViewportSize({ width: 390, height: 780 });
  await page.evaluate(() => localStorage.setItem("mantine-color-scheme-value", "light"));
  await page.reload();
  await expect(page.getByTestId("snapshot-banner")).toBeVisible();
  await snap(page, info, "snapshots-browse-390-zh");
  await page.getByRole("button", { name: "恢复…" }).click();
  await page.getByRole("radio", { name: "将快照复制到其他文件夹" }).check();
  await snap(page, info, "snapshots-restore-390-zh");
});

test("schedules of a folder, the storage summary and the admin's view of a user's snapshots", async ({
  page,
  browser,
  request,
}, info) => {
  test.setTimeout(90_000);
  const { account, api } = await freshUser(request, "snapshot-admin");
  await mkdir(api, "Photos");
  await mkfile(api, ["Photos", "cat.jpg"], "not really a cat");
  await api("PUT", "/snapshot", { body: { uri: my("Photos"), name: "weekly-check" } });
  // Deleted for good: only the snapshot keeps its bytes now.
  await api("DELETE", "/file", {
    body: { uris: [my("Photos", "cat.jpg")], skip_soft_delete: true },
  });
  await signIn(page, account);

  await row(page, "Photos").click({ button: "right" });
  await page.getByRole("menuitem", { name: "Snapshots…" }).click();
  const drawer = page.getByRole("dialog", { name: "Snapshots of Photos" });
  await expect(drawer.getByRole("listitem", { name: "weekly-check" })).toContainText(
    "16 B kept only by this snapshot",
  );
  await expect(drawer.getByText("No schedules for this folder.")).toBeVisible();
  await drawer.getByRole("combobox", { name: "Every" }).click();
  await page.getByRole("option", { name: "Every week" }).click();
  await drawer.getByRole("textbox", { name: "Keep" }).fill("3");
  await drawer.getByRole("button", { name: "Add schedule" }).click();
  await expect(drawer.getByTestId("schedule")).toHaveText(/Every week, keep 3/);
  await snap(page, info, "snapshots-schedules");
  await drawer.getByRole("button", { name: "Delete schedule" }).click();
  await expect(drawer.getByText("No schedules for this folder.")).toBeVisible();
  await page.keyboard.press("Escape");

  await page.goto("/settings");
  await expect(page.getByTestId("storage-snapshots")).toHaveText(
    "Snapshots: 1 snapshot keeps 16 B that no file uses any more",
  );

  // The admin console's user dialog lists it, and deletes it.
  const adminPage = await browser.newPage();
  await openAdmin(adminPage, `users?user_email=${encodeURIComponent(account.email)}`);
  await adminPage.getByRole("button", { name: `Edit ${account.email}` }).click();
  const dialog = adminPage.getByRole("dialog");
  await expect(dialog.getByTestId("user-snapshots-summary")).toHaveText(
    "1 snapshot, keeping 16 B that no file uses any more",
  );
  const line = dialog.getByTestId("user-snapshot");
  await expect(line).toContainText("weekly-check");
  await expect(line).toContainText("/Photos");
  await snap(adminPage, info, "snapshots-admin-user");
  await line.getByRole("button", { name: "Delete" }).click();
  await adminPage
    .getByRole("dialog", { name: "Delete snapshot" })
    .getByRole("button", { name: "Delete" })
    .click();
  await expect(dialog.getByTestId("user-snapshot")).toHaveCount(0);
  await expect(dialog.getByTestId("user-snapshots-summary")).toHaveText(
    "0 snapshots, keeping 0 B that no file uses any more",
  );
  // The group dialog offers the snapshot permission and caps, set for the User group.
  await adminPage.keyboard.press("Escape");
  await adminPage.goto("/admin/groups");
  await adminPage.getByRole("button", { name: "Edit User", exact: true }).click();
  const group = adminPage.getByRole("dialog", { name: "Edit group User" });
  await expect(
    group.getByRole("checkbox", { name: "Take snapshots of folders and restore them" }),
  ).toBeChecked();
  await expect(group.getByRole("textbox", { name: "Manual snapshots per folder" })).toHaveValue(
    "5",
  );
  await expect(group.getByRole("textbox", { name: "Snapshot schedules per user" })).toHaveValue(
    "5",
  );
  await adminPage.close();
  expect(await api<{ snapshots: unknown[] }>("GET", "/snapshot")).toMatchObject({ snapshots: [] });
});
