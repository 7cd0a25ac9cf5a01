// An older version of a file downloads from the info panel with its own bytes, not the current ones.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { freshUser, mkfile, row, signIn, writeFile } from "./explorer-helpers";

test("each version in the info panel downloads with its own bytes", async ({ page, request }) => {
  const { account, api } = await freshUser(request, "versions");
  await api("PATCH", "/user/setting", { body: { version_retention_enabled: true } });
  await mkfile(api, ["draft.txt"], "first");
  await writeFile(api, ["draft.txt"], "second, longer");
  await signIn(page, account);

  await row(page, "draft.txt").click();
  await page.keyboard.press("Alt+Enter");
  const panel = page.getByRole("complementary", { name: "draft.txt" });
  const versions = panel.getByTestId("version");
  await expect(versions).toHaveCount(2);
  const got: string[] = [];
  for (let i = 0; i < 2; i++) {
    const download = page.waitForEvent("download");
    await versions.nth(i).getByRole("button", { name: "Download this version" }).click();
    got.push(readFileSync(await (await download).path()).toString("latin1"));
  }
  expect(got.sort()).toEqual(["first", "second, longer"]);
});
