// The guard against mass deletion, as the user meets it: a WebDAV client deletes far more than
// the threshold, the server stops it, the explorer shows the banner naming the client, and
// "Undo all" brings every file back.
import { expect, test } from "@playwright/test";
import { apiAs, fillSignIn, snapAll } from "./helpers";
import { newAccount, setSiteSettings } from "./site";

type Listed = { files: { name: string }[] };

test("a WebDAV client deleting too much is stopped, shown in a banner and undone", async ({
  page,
  request,
}, info) => {
  test.setTimeout(120_000);
  await setSiteSettings(request, { guard_burst_files: "5" });
  try {
    // The default group may not use WebDAV; the administrators' group may.
    const owner = await newAccount(request, "Gwen", 1);
    const api = await apiAs(request, owner);
    await api("POST", "/file/create", { body: { uri: "cloudreve://my/Notes", type: "folder" } });
    const names = Array.from({ length: 12 }, (_, i) => `note-${i}.txt`);
    for (const name of names) {
      await api("POST", "/file/create", {
        body: { uri: `cloudreve://my/Notes/${name}`, type: "file" },
      });
    }
    const dav = await api<{ password: string }>("PUT", "/devices/dav", {
      body: { uri: "cloudreve://my", name: "laptop" },
    });
    const basic = Buffer.from(`${owner.email}:${dav.password}`).toString("base64");
    const statuses: number[] = [];
    for (const name of names) {
      const answer = await request.fetch(`/dav/Notes/${name}`, {
        method: "DELETE",
        headers: { Authorization: `Basic ${basic}` },
      });
      statuses.push(answer.status());
    }
    // The first few go through; past the threshold the client is refused.
    expect(statuses.filter((s) => s === 204).length).toBeGreaterThan(0);
    expect(statuses.at(-1)).toBe(423);

    await page.goto("/session");
    await fillSignIn(page, owner);
    await expect(page).toHaveURL(/\/home/);
    // The alert is named by its title.
    const banner = page.getByRole("alert", { name: "Stratus stopped “laptop”" });
    await expect(banner).toContainText("WebDAV account");
    await snapAll(page, info, "guard-banner");
    await banner.getByRole("button", { name: "Details" }).click();
    await expect(page.getByRole("dialog", { name: "What it changed" })).toContainText("note-0.txt");
    await page.keyboard.press("Escape");
    await banner.getByRole("button", { name: "Undo all" }).click();
    // A notification confirms it, with the way to the task.
    await expect(page.getByText("Putting back what WebDAV account “laptop” changed")).toBeVisible();
    await expect(banner).toHaveCount(0);
    await expect
      .poll(
        async () =>
          (await api<Listed>("GET", "/file", { query: { uri: "cloudreve://my/Notes" } })).files
            .length,
        { timeout: 30_000 },
      )
      .toBe(names.length);
  } finally {
    await setSiteSettings(request, { guard_burst_files: "200" });
  }
});
