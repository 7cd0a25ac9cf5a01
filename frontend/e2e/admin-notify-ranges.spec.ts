// Webhooks to internal addresses: the setting that lets them through sits with the channels on
// the Notifications page (not under "Files and uploads"), a refusal names it, and a new webhook
// cannot be tested or saved without its signing secret.
import { createServer } from "node:http";
import { expect, test } from "@playwright/test";
import { openAdmin, unique } from "./admin-helpers";
import { freePort } from "./global-setup";
import { snap } from "./helpers";
import { expectAccessible, setSiteSettings } from "./site";

const LABEL = "Notification webhooks: allowed address ranges";

test("the webhook ranges sit with the notifications and a refusal names them", async ({
  page,
  request,
}, info) => {
  test.setTimeout(120_000);
  // A receiver on loopback that answers every delivery.
  const port = await freePort();
  const received: string[] = [];
  const hook = createServer((req, res) => {
    received.push(req.headers["x-stratus-event"] as string);
    res.end();
  });
  await new Promise<void>((r) => hook.listen(port, "127.0.0.1", r));
  await setSiteSettings(request, { notification_allowed_cidrs: "" });
  try {
    // Not among the file settings any more.
    await openAdmin(page, "settings");
    await page.getByRole("tab", { name: "Files and uploads" }).click();
    await expect(page.getByRole("textbox", { name: "Temporary folder" })).toBeVisible();
    await expect(page.getByRole("textbox", { name: LABEL })).toHaveCount(0);

    await page.goto("/admin/notifications");
    const card = page.getByTestId("notify-allowed-ranges");
    await expect(
      card.getByRole("heading", { name: "Webhooks to internal addresses" }),
    ).toBeVisible();
    const ranges = card.getByRole("textbox", { name: LABEL });
    await expect(ranges).toHaveValue("");

    // A new webhook needs its secret before it is tested or saved.
    await page.getByRole("button", { name: "New channel" }).click();
    const dialog = page.getByRole("dialog", { name: "New notification channel" });
    await dialog.getByText("Webhook").click();
    await dialog.getByRole("textbox", { name: "Name" }).fill(unique("hook"));
    await dialog.getByRole("textbox", { name: "URL" }).fill(`http://127.0.0.1:${port}/hook`);
    const test_ = dialog.getByRole("button", { name: "Send a test" });
    await expect(test_).toBeDisabled();
    await expect(dialog.getByRole("button", { name: "Save" })).toBeDisabled();
    await dialog.getByLabel("Signing secret").fill("   ");
    await expect(test_).toBeDisabled();
    await dialog.getByLabel("Signing secret").fill("a-webhook-secret");
    await expect(test_).toBeEnabled();

    // Loopback without a range: the refusal names the setting, and where it is.
    await test_.click();
    const refused = dialog.getByRole("alert");
    await expect(refused).toBeVisible({ timeout: 30_000 });
    await expect(refused).toContainText("The delivery failed");
    await expect(refused).toContainText(`add 127.0.0.1/32 to the setting "${LABEL}"`);
    await expect(refused).toContainText("notification_allowed_cidrs");
    await expect(refused).toContainText("on the Notifications page");
    await refused.scrollIntoViewIfNeeded();
    await snap(page, info, "notify-refused-names-setting");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();

    // The range is added right here, and the test then reaches the receiver.
    await ranges.fill("127.0.0.1/32");
    await card.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("Settings saved")).toBeVisible();
    await snap(page, info, "notify-ranges-card");
    await expectAccessible(page, "notifications with the webhook ranges");
    await page.getByRole("button", { name: "New channel" }).click();
    await dialog.getByText("Webhook").click();
    await dialog.getByRole("textbox", { name: "Name" }).fill(unique("hook"));
    await dialog.getByRole("textbox", { name: "URL" }).fill(`http://127.0.0.1:${port}/hook`);
    await dialog.getByLabel("Signing secret").fill("a-webhook-secret");
    await test_.click();
    await expect(dialog.getByRole("status")).toContainText("The test event was delivered.", {
      timeout: 30_000,
    });
    expect(received).toEqual(["test"]);
  } finally {
    await setSiteSettings(request, { notification_allowed_cidrs: "" });
    await new Promise((r) => hook.close(r));
  }
});
