// What a recipient is offered follows what the grant allows, in every menu and on the keyboard:
// an editor renames and deletes from the menus (and on a phone), a viewer gets no rename or
// delete dialog by keyboard and a cut becomes a copy. The crumbs of another owner's drive lead
// back to Shared with me; a grant taken back says so and leaves no selection; the owner's trash
// says who deleted.
import { type APIRequestContext, expect, type Page, test } from "@playwright/test";
import { type Account, apiAs, fillSignIn, snap } from "./helpers";
import { newAccount } from "./site";

async function idOf(request: APIRequestContext, account: Account): Promise<string> {
  return (await (await apiAs(request, account))<{ id: string }>("GET", "/user/me")).id;
}

async function signedIn(page: Page, account: Account, path: string) {
  await page.goto("/session");
  await fillSignIn(page, account);
  await expect(page).toHaveURL(/\/home/);
  await page.goto(`/home?path=${encodeURIComponent(path)}`);
}

test("an editor renames and deletes from the menus; a viewer's keys do what the menus offer", async ({
  browser,
  request,
}, info) => {
  test.setTimeout(120_000);
  const owner = await newAccount(request, "Olivia");
  const editor = await newAccount(request, "Edgar");
  const viewer = await newAccount(request, "Vera");
  const api = await apiAs(request, owner);
  await api("POST", "/file/create", { body: { uri: "cloudreve://my/Team", type: "folder" } });
  for (const name of ["plan.txt", "notes.txt"]) {
    await api("POST", "/file/create", {
      body: { uri: `cloudreve://my/Team/${name}`, type: "file" },
    });
  }
  const [editorId, viewerId, ownerId] = await Promise.all([
    idOf(request, editor),
    idOf(request, viewer),
    idOf(request, owner),
  ]);
  await api("PUT", "/file/permission", {
    body: { uri: "cloudreve://my/Team", users: { [editorId]: "write", [viewerId]: "read" } },
  });
  const team = `cloudreve://${ownerId}@my/Team`;

  // The editor, on a phone: the row's menu renames and deletes.
  const phone = await browser.newContext({
    baseURL: process.env.STRATUS_E2E_BASE,
    viewport: { width: 390, height: 844 },
    hasTouch: true,
  });
  const ed = await phone.newPage();
  await signedIn(ed, editor, team);
  await expect(ed.getByRole("button", { name: "plan.txt", exact: true })).toBeVisible();
  // The owner's drive is a name, not a link; Shared with me is the way back.
  const crumbs = ed.getByRole("navigation", { name: "Folder path" });
  await expect(crumbs.getByText("Drive of Olivia")).toBeVisible();
  await expect(crumbs.getByRole("link", { name: "Drive of Olivia" })).toHaveCount(0);
  await expect(crumbs.getByRole("link", { name: "Shared with me" })).toBeVisible();
  await ed.getByRole("button", { name: "Actions for plan.txt" }).click();
  for (const name of ["Rename", "Move to…", "Move to trash"]) {
    await expect(ed.getByRole("menuitem", { name })).toBeVisible();
  }
  await snap(ed, info, "editor-menu-phone");
  await ed.getByRole("menuitem", { name: "Rename" }).click();
  const rename = ed.getByRole("dialog");
  await rename.getByRole("textbox").fill("plan-v2.txt");
  await rename.getByRole("textbox").press("Enter");
  await expect(ed.getByRole("button", { name: "plan-v2.txt", exact: true })).toBeVisible();
  await ed.getByRole("button", { name: "Actions for notes.txt" }).click();
  await ed.getByRole("menuitem", { name: "Move to trash" }).click();
  await ed.getByRole("dialog").getByRole("button", { name: "Move to trash" }).click();
  await expect(ed.getByRole("button", { name: "notes.txt", exact: true })).toHaveCount(0);
  await crumbs.getByRole("link", { name: "Shared with me" }).click();
  await expect(ed.getByRole("button", { name: "Team", exact: true })).toBeVisible();
  await phone.close();

  // The viewer: F2 and Delete open nothing; a cut is kept as a copy.
  const desk = await browser.newContext({ baseURL: process.env.STRATUS_E2E_BASE });
  const vi = await desk.newPage();
  await signedIn(vi, viewer, team);
  const plan = vi.getByRole("button", { name: "plan-v2.txt", exact: true });
  await plan.click();
  await vi.keyboard.press("F2");
  await vi.keyboard.press("Delete");
  await expect(vi.getByRole("dialog")).toHaveCount(0);
  await vi.keyboard.press("ControlOrMeta+x");
  await expect(vi.getByText("You can only view these: pasting will copy them.")).toBeVisible();
  await vi.keyboard.press("ControlOrMeta+v");
  await expect(
    vi.getByText("You can only view this folder: nothing can be added here."),
  ).toBeVisible();
  await snap(vi, info, "viewer-cut");
  // Pasted into the viewer's own drive: a copy; the owner's file stays.
  await vi.getByRole("link", { name: "My files" }).click();
  await expect(vi.getByTestId("folder-empty")).toBeVisible();
  await vi.keyboard.press("ControlOrMeta+v");
  await expect(vi.getByRole("button", { name: "plan-v2.txt", exact: true })).toBeVisible();
  const left = await api<{ files: { name: string }[] }>("GET", "/file", {
    query: { uri: "cloudreve://my/Team" },
  });
  expect(left.files.map((f) => f.name)).toEqual(["plan-v2.txt"]);

  // Taken back while the viewer has a file selected.
  await vi.goto(`/home?path=${encodeURIComponent(team)}`);
  await vi.getByRole("button", { name: "plan-v2.txt", exact: true }).click();
  await expect(vi.getByRole("toolbar", { name: "Selected files" })).toBeVisible();
  await api("PUT", "/file/permission", {
    body: { uri: "cloudreve://my/Team", users: { [viewerId]: "none" } },
  });
  await vi.getByRole("button", { name: "Refresh" }).click();
  await expect(vi.getByText("This is no longer shared with you.")).toBeVisible();
  await expect(vi.getByRole("toolbar", { name: "Selected files" })).toHaveCount(0);
  await expect(vi.getByRole("button", { name: "New folder" })).toHaveCount(0);
  await snap(vi, info, "viewer-taken-back");
  await vi.goto("/home?path=cloudreve%3A%2F%2Fshared_with_me");
  await expect(vi.getByText("Nothing is shared with you yet.", { exact: false })).toBeVisible();
  await snap(vi, info, "viewer-shared-empty");
  await desk.close();

  // The owner's trash says who deleted.
  const own = await browser.newContext({ baseURL: process.env.STRATUS_E2E_BASE });
  const ol = await own.newPage();
  await signedIn(ol, owner, "cloudreve://trash");
  const row = ol.getByRole("row").filter({ hasText: "notes.txt" });
  await expect(row.getByTestId("deleted-by")).toHaveText(/deleted by Edgar/);
  await snap(ol, info, "owner-trash-deleted-by");
  await own.close();
});
