// The admin console's view of an account's sharing with people: the edit dialog lists what the
// account shared and with whom, and removing a grant there ends the recipient's access at once.
import { expect, test } from "@playwright/test";
import { openAdmin } from "./admin-helpers";
import { apiAs, snap } from "./helpers";
import { newAccount } from "./site";

test("the user dialog lists an account's grants both ways, and Remove takes one back", async ({
  page,
  request,
}, info) => {
  test.setTimeout(90_000);
  const owner = await newAccount(request, "Greta");
  const reader = await newAccount(request, "Hugo");
  const ownerApi = await apiAs(request, owner);
  const readerApi = await apiAs(request, reader);
  await ownerApi("POST", "/file/create", { body: { uri: "cloudreve://my/Plans", type: "folder" } });
  const { id: readerId } = await readerApi<{ id: string }>("GET", "/user/me");
  await ownerApi("PUT", "/file/permission", {
    body: { uri: "cloudreve://my/Plans", users: { [readerId]: "write" } },
  });

  // The recipient's side shows it as received, with its owner.
  await openAdmin(page, `users?user_email=${reader.email}`);
  await page.getByRole("button", { name: `Edit ${reader.email}` }).click();
  let dialog = page.getByRole("dialog", { name: `Edit ${reader.email}` });
  const received = dialog.getByTestId("user-grants");
  await expect(received).toContainText("Shared with this account");
  await expect(received.getByTestId("user-grant")).toContainText(owner.email.toLowerCase());
  await dialog.getByRole("button", { name: "Cancel" }).click();

  // The owner's side: the folder, with whom, how; removed after a question.
  await page.goto(`/admin/users?user_email=${owner.email}`);
  await page.getByRole("button", { name: `Edit ${owner.email}` }).click();
  dialog = page.getByRole("dialog", { name: `Edit ${owner.email}` });
  const given = dialog.getByTestId("user-grants");
  await expect(given).toContainText("Shared by this account");
  await expect(given.getByTestId("user-grant")).toContainText("/Plans");
  await expect(given.getByTestId("user-grant")).toContainText(reader.email.toLowerCase());
  await expect(given.getByTestId("user-grant")).toContainText("Can edit");
  await snap(page, info, "admin-user-grants");
  // The same table in Simplified Chinese on a phone, then back.
  const reopen = async () => {
    await page.reload();
    await page.getByRole("button", { name: owner.email, exact: false }).first().click();
    dialog = page.getByRole("dialog");
    await expect(dialog.getByTestId("user-grant")).toContainText("/Plans");
  };
  await page.evaluate(() => localStorage.setItem("stratus.language", "zh-CN"));
  await page.setViewportSize({ width: 390, height: 844 });
  await reopen();
  await dialog.getByTestId("user-grants").scrollIntoViewIfNeeded();
  await snap(page, info, "admin-user-grants-zh-phone");
  await page.evaluate(() => localStorage.setItem("stratus.language", "en-US"));
  await page.setViewportSize({ width: 1280, height: 720 });
  await reopen();
  const row = dialog.getByTestId("user-grants").getByTestId("user-grant");
  await row.getByRole("button", { name: "Remove" }).click();
  const confirm = page.getByRole("dialog", { name: "Remove this share?" });
  await expect(confirm).toContainText("loses access to “Plans” at once");
  await confirm.getByRole("button", { name: "Remove" }).click();
  await expect(dialog.getByTestId("user-grants")).toContainText("Nothing shared with people");

  // The recipient has nothing left.
  const shared = await readerApi<{ files: unknown[] }>(
    "GET",
    `/file?uri=${encodeURIComponent("cloudreve://shared_with_me")}`,
  );
  expect(shared.files).toHaveLength(0);
});
