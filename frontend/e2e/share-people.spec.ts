// Sharing with people: the owner adds someone from the share dialog's People tab, changes what
// they may do and sees the folder marked; the recipient finds it under "Shared with me" with the
// owner's name, opens it in the owner's drive and is offered only what the grant allows (an
// edit saved with write access, a read-only editor with read access).
import { expect, test } from "@playwright/test";
import { apiAs, fillSignIn, snap, snapAll } from "./helpers";
import { newAccount, setSiteSettings } from "./site";

type Entries = { entries: { kind: string; name: string; access: string }[] };

test("the People tab gives a folder to someone, who opens it from Shared with me", async ({
  page,
  browser,
  request,
}, info) => {
  test.setTimeout(120_000);
  // No mail server: the tab says nobody was e-mailed.
  await setSiteSettings(request, { smtpHost: "" });
  const owner = await newAccount(request, "Olivia");
  const reader = await newAccount(request, "Rafael");
  const ownerApi = await apiAs(request, owner);
  await ownerApi("POST", "/file/create", { body: { uri: "cloudreve://my/Team", type: "folder" } });
  await ownerApi("POST", "/file/create", {
    body: { uri: "cloudreve://my/Team/plan.txt", type: "file" },
  });

  await page.goto("/session");
  await fillSignIn(page, owner);
  await expect(page.getByRole("button", { name: "Team", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Actions for Team" }).click();
  await page.getByRole("menuitem", { name: "Share" }).click();
  const dialog = page.getByRole("dialog", { name: "Share “Team”" });
  await dialog.getByRole("tab", { name: "People" }).click();
  await expect(dialog).toContainText("Nobody yet");
  // A short keyword finds nobody and says why; the whole address finds the one account.
  await dialog.getByRole("textbox", { name: "Add people" }).fill("Ra");
  await expect(dialog).toContainText("at least 3 letters");
  await dialog.getByRole("textbox", { name: "Add people" }).fill(reader.email);
  // Telling by e-mail is a choice, off until ticked; without mail set up, adding still works
  // and the tab says nobody was told.
  const notify = dialog.getByRole("checkbox", { name: "E-mail the people I add" });
  await expect(notify).not.toBeChecked();
  await notify.check();
  await dialog.getByRole("button", { name: "Add Rafael" }).click();
  const people = dialog.getByRole("list", { name: "Who has access" });
  await expect(people.getByRole("listitem", { name: "Rafael" })).toBeVisible();
  await expect(dialog.getByTestId("people-not-mailed")).toContainText("nobody was e-mailed");
  await snap(page, info, "people-not-mailed");
  await expect(people.getByRole("combobox", { name: "What Rafael can do" })).toHaveValue(
    "Can view",
  );
  await people.getByRole("combobox", { name: "What Rafael can do" }).click();
  await page.getByRole("option", { name: "Can edit" }).click();
  await expect(people.getByRole("combobox", { name: "What Rafael can do" })).toHaveValue(
    "Can edit",
  );
  const granted = await ownerApi<Entries>("GET", "/file/permission", {
    query: { uri: "cloudreve://my/Team" },
  });
  expect(granted.entries.map((e) => [e.kind, e.name, e.access])).toEqual([
    ["user", "Rafael", "write"],
  ]);
  await snapAll(page, info, "people-tab");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("img", { name: "Shared with people" })).toBeVisible();
  await snap(page, info, "owner-marked");

  // The recipient: the folder under Shared with me, with its owner; inside, the owner's drive.
  const context = await browser.newContext({ baseURL: process.env.STRATUS_E2E_BASE });
  const them = await context.newPage();
  await them.goto("/session");
  await fillSignIn(them, reader);
  await expect(them).toHaveURL(/\/home/);
  await them.getByRole("link", { name: "Shared with me" }).click();
  const row = them.getByRole("row").filter({ hasText: "Team" });
  await expect(row).toContainText("Olivia");
  await snap(them, info, "recipient-shared-with-me");
  await them.getByRole("button", { name: "Team", exact: true }).dblclick();
  await expect(them.getByRole("button", { name: "plan.txt", exact: true })).toBeVisible();
  await expect(them.getByText("Drive of Olivia").first()).toBeVisible();
  await expect(them.getByRole("button", { name: "Upload" })).toBeVisible();
  // A file dropped in the folder is stored in the owner's drive.
  const drop = await them.evaluateHandle(() => {
    const data = new DataTransfer();
    data.items.add(new File(["from Rafael\n"], "notes.txt", { type: "text/plain" }));
    return data;
  });
  await them.dispatchEvent("main", "dragenter", { dataTransfer: drop });
  await them.dispatchEvent("main", "drop", { dataTransfer: drop });
  await expect(them.getByTestId("upload-total")).toHaveText("Uploads finished");
  await expect(them.getByRole("button", { name: "notes.txt", exact: true })).toBeVisible();
  const inTeam = await ownerApi<{ files: { name: string; size: number }[] }>("GET", "/file", {
    query: { uri: "cloudreve://my/Team" },
  });
  expect(inTeam.files.map((f) => [f.name, f.size])).toContainEqual(["notes.txt", 12]);
  await snap(them, info, "recipient-write");
  // With write access the text editor saves a new version of the owner's file.
  await them.getByRole("button", { name: "notes.txt", exact: true }).dblclick();
  const editor = them.getByRole("textbox", { name: "Contents of notes.txt" });
  await expect(editor).toContainText("from Rafael");
  await editor.click();
  await them.keyboard.press("ControlOrMeta+End");
  await them.keyboard.type("edited by Rafael");
  await them.getByRole("button", { name: "Save", exact: true }).click();
  await expect
    .poll(async () => {
      const got = await ownerApi<{ files: { name: string; size: number }[] }>("GET", "/file", {
        query: { uri: "cloudreve://my/Team" },
      });
      return got.files.find((f) => f.name === "notes.txt")?.size;
    })
    .toBe(12 + "edited by Rafael".length);
  await snap(them, info, "recipient-edit");
  await them.keyboard.press("Escape");
  await expect(them.getByTestId("preview-name")).toHaveCount(0);

  // Lowered to read: no upload, and the file offers no rename, move or delete.
  await ownerApi("PUT", "/file/permission", {
    body: { uri: "cloudreve://my/Team", users: { [await idOf(request, reader)]: "read" } },
  });
  await them.reload();
  await expect(them.getByRole("button", { name: "plan.txt", exact: true })).toBeVisible();
  await expect(them.getByRole("button", { name: "Upload" })).toHaveCount(0);
  await them.getByRole("button", { name: "Actions for plan.txt" }).click();
  await expect(them.getByRole("menuitem", { name: "Download" })).toBeVisible();
  for (const name of ["Rename", "Move", "Delete", "Share"]) {
    await expect(them.getByRole("menuitem", { name, exact: true })).toHaveCount(0);
  }
  await snap(them, info, "recipient-read");
  await them.keyboard.press("Escape");
  // Read access: the editor opens read only.
  await them.getByRole("button", { name: "notes.txt", exact: true }).dblclick();
  await expect(them.getByText("Read only")).toBeVisible();
  await expect(them.getByRole("button", { name: "Save", exact: true })).toHaveCount(0);
  await them.keyboard.press("Escape");
  await context.close();
});

test("the People tab in Chinese on a phone, dark", async ({ browser, request }, info) => {
  const owner = await newAccount(request, "Mei");
  const api = await apiAs(request, owner);
  await api("POST", "/file/create", { body: { uri: "cloudreve://my/家庭", type: "folder" } });
  const context = await browser.newContext({
    baseURL: process.env.STRATUS_E2E_BASE,
    viewport: { width: 390, height: 844 },
    colorScheme: "dark",
  });
  const page = await context.newPage();
  await page.goto("/session");
  await fillSignIn(page, owner);
  await expect(page).toHaveURL(/\/home/);
  await page.evaluate(() => localStorage.setItem("stratus.language", "zh-CN"));
  await page.reload();
  await page.getByRole("button", { name: "家庭 的操作" }).click();
  await page.getByRole("menuitem", { name: "分享" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("tab", { name: "成员" }).click();
  await expect(dialog).toContainText("暂无");
  await expect(dialog.getByRole("button", { name: /与我的用户组/ })).toBeVisible();
  await dialog.getByRole("button", { name: /与我的用户组/ }).click();
  await expect(dialog.getByRole("listitem")).toHaveCount(1);
  await snap(page, info, "people-tab-zh-phone-dark");
  // Taken back at once: every other member of the group would find it under Shared with me.
  await dialog.getByRole("button", { name: /^移除 / }).click();
  await expect(dialog).toContainText("暂无");
  const text = (await page.locator("body").textContent()) ?? "";
  expect(text).not.toMatch(/\bpeople\.[a-zA-Z]/);
  await context.close();
});

/** The public id of `account` (`/user/me`'s `id`). */
async function idOf(
  request: Parameters<typeof apiAs>[0],
  account: Parameters<typeof apiAs>[1],
): Promise<string> {
  const api = await apiAs(request, account);
  return (await api<{ id: string }>("GET", "/user/me")).id;
}
