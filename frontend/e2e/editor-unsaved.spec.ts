// The text editor never drops unsaved changes silently: Esc, the close button and closing the
// tab ask first (save, discard, keep editing); a clean editor closes at once.
import { expect, type Page, test } from "@playwright/test";
import { signInPage, snap } from "./helpers";
import { newAccount } from "./site";
import { driveOf, openFolder } from "./transfers";

const ORIGINAL = "first line\n";

async function openEditor(page: Page, name: string) {
  await page.getByRole("button", { name, exact: true }).dblclick();
  const editor = page.getByRole("textbox", { name: `Contents of ${name}` });
  await expect(editor).toContainText("first line");
  return editor;
}

test("closing an edited text file asks: keep editing, save, or discard", async ({
  page,
  request,
}, info) => {
  // An account of its own: the explorer spec expects the shared user's drive empty.
  const account = await newAccount(request, "editor");
  const drive = await driveOf(request, account);
  const folder = await drive.folder("editor unsaved");
  const uri = `${folder}/notes.txt`;
  await drive.put(uri, Buffer.from(ORIGINAL));
  await signInPage(page, account);
  await openFolder(page, folder);

  // Unchanged: Esc closes at once.
  await openEditor(page, "notes.txt");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("preview-name")).toHaveCount(0);

  // Changed: Esc asks; "Keep editing" leaves the editor open with the change.
  const editor = await openEditor(page, "notes.txt");
  await editor.click();
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.type("second line");
  await page.keyboard.press("Escape");
  const ask = page.getByRole("dialog", { name: "Unsaved changes" });
  await expect(ask).toBeVisible();
  await expect(ask.getByText("“notes.txt” has changes that are not saved.")).toBeVisible();
  await snap(page, info, "editor-unsaved-ask");
  await ask.getByRole("button", { name: "Keep editing" }).click();
  await expect(ask).toHaveCount(0);
  await expect(editor).toContainText("second line");

  // The close button asks too; "Discard" closes and the file is as it was.
  await page.getByRole("button", { name: "Close preview" }).click();
  await expect(ask).toBeVisible();
  await ask.getByRole("button", { name: "Discard" }).click();
  await expect(page.getByTestId("preview-name")).toHaveCount(0);
  expect((await drive.read(uri)).toString()).toBe(ORIGINAL);

  // "Save" saves a new version, then closes.
  const again = await openEditor(page, "notes.txt");
  await again.click();
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.type("kept");
  await page.keyboard.press("Escape");
  await ask.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("preview-name")).toHaveCount(0);
  expect((await drive.read(uri)).toString()).toBe(`${ORIGINAL}kept`);
});

test("closing the tab with unsaved changes asks the browser to confirm", async ({
  page,
  request,
}) => {
  // An account of its own: the explorer spec expects the shared user's drive empty.
  const account = await newAccount(request, "editor");
  const drive = await driveOf(request, account);
  const folder = await drive.folder("editor unload");
  await drive.put(`${folder}/draft.txt`, Buffer.from(ORIGINAL));
  await signInPage(page, account);
  await openFolder(page, folder);
  const editor = await openEditor(page, "draft.txt");
  await editor.click();
  await page.keyboard.type("unsaved ");

  const asked: string[] = [];
  page.on("dialog", async (dialog) => {
    asked.push(dialog.type());
    await dialog.dismiss();
  });
  await page.close({ runBeforeUnload: true });
  await expect.poll(() => asked).toEqual(["beforeunload"]);
});

test("the unsaved-changes question in dark mode and Chinese", async ({ page, request }, info) => {
  // An account of its own: the explorer spec expects the shared user's drive empty.
  const account = await newAccount(request, "editor");
  const drive = await driveOf(request, account);
  const folder = await drive.folder("editor unsaved zh");
  await drive.put(`${folder}/笔记.txt`, Buffer.from(ORIGINAL));
  await signInPage(page, account);
  await page.evaluate(() => {
    localStorage.setItem("stratus.language", "zh-CN");
    localStorage.setItem("mantine-color-scheme-value", "dark");
  });
  await openFolder(page, folder, "文件夹路径");
  await page.getByRole("button", { name: "笔记.txt", exact: true }).dblclick();
  const editor = page.getByRole("textbox", { name: /笔记\.txt/ });
  await expect(editor).toContainText("first line");
  await editor.click();
  await page.keyboard.type("改动 ");
  await page.keyboard.press("Escape");
  const ask = page.getByRole("dialog", { name: "未保存的更改" });
  await expect(ask).toBeVisible();
  await expect(ask.getByRole("button", { name: "继续编辑" })).toBeVisible();
  await snap(page, info, "editor-unsaved-ask-zh-dark");
  const text = (await page.locator("body").textContent()) ?? "";
  expect(text).not.toMatch(/\b(preview|transfer)\.[a-zA-Z]/);
});
