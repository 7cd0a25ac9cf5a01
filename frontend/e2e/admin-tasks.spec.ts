// The console's task queue: counts per queue, every user's tasks filtered by user, a task's
// details (state, error history, log), deleting a task and cleaning up ended ones, both after a
// confirmation; the dashboard's queue card; light, dark, zh-CN and 1024 px, passing axe.
import { expect, type Page, test } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { openAdmin } from "./admin-helpers";
import { freshUser, mkfile, my } from "./explorer-helpers";
import { apiAs, snap } from "./helpers";
import { expectAccessible } from "./site";
import { taskGroup, waitTaskEnded } from "./tasks-helpers";

type AdminRow = { id: number; user_tasks?: number; summary?: { props?: { dst?: string } } };

/** A completed compress task of a new user; its admin row. */
async function madeTask(page: Page, zip: string): Promise<AdminRow> {
  const group = await taskGroup(page.request, "Queue");
  const { api } = await freshUser(page.request, "queued", group);
  await mkfile(api, ["doc.txt"], "queued\n");
  await api("POST", "/workflow/archive", { body: { src: [my("doc.txt")], dst: my(zip) } });
  expect((await waitTaskEnded(api)).status).toBe("completed");
  const admin = await apiAs(page.request, ACCOUNTS.admin);
  const list = await admin<{ tasks: AdminRow[] }>("POST", "/admin/queue", {
    body: { page: 1, page_size: 100, order_by: "id", order_direction: "desc" },
  });
  const row = list.tasks.find((t) => t.summary?.props?.dst === my(zip));
  expect(row).toBeTruthy();
  return row as AdminRow;
}

test("the admin sees a user's task, opens its details and deletes it", async ({ page }, info) => {
  test.setTimeout(120_000);
  const zip = `admin-${Date.now().toString(36)}.zip`;
  const task = await madeTask(page, zip);

  await openAdmin(page, "tasks");
  await expect(page.getByRole("main").getByRole("heading", { level: 2 })).toHaveText("Tasks");
  await expect(page.getByTestId("queue-success_tasks")).not.toHaveText("0");
  await page.goto(`/admin/tasks?task_user_id=${task.user_tasks}`);
  const row = page.getByRole("row").filter({ hasText: `/${zip}` });
  await expect(row).toBeVisible();
  await expect(page.locator("tbody tr")).toHaveCount(1);
  await expect(row).toContainText("Completed");

  await row.getByRole("button", { name: `Details of task #${task.id}` }).click();
  const details = page.getByRole("dialog", { name: `Task #${task.id}` });
  await expect(details.getByTestId("task-details")).toContainText("Completed");
  await expect(details.getByTestId("task-details")).toContainText("No errors.");
  await expect(details.getByTestId("admin-task-log")).toContainText("wrote");
  await expectAccessible(page, "task details");
  await snap(page, info, "admin-tasks-details");
  await page.keyboard.press("Escape");
  await expect(details).toBeHidden();

  await row.getByRole("checkbox").check();
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  const confirm = page.getByRole("dialog");
  await expect(confirm).toContainText("Tasks chosen: 1");
  await confirm.getByRole("button", { name: "Delete tasks" }).click();
  await expect(row).toBeHidden();
  const gone = await page.request.get(`/api/v4/admin/queue/${task.id}`, {
    headers: { Authorization: await bearer(page) },
  });
  expect(((await gone.json()) as { code: number }).code).toBe(404);
});

test("clean up ended tasks after a confirmation", async ({ page }) => {
  test.setTimeout(120_000);
  const zip = `cleanup-${Date.now().toString(36)}.zip`;
  const task = await madeTask(page, zip);
  await openAdmin(page, "tasks");
  await page.getByRole("button", { name: "Clean up ended tasks" }).click();
  const confirm = page.getByRole("dialog", { name: "Clean up ended tasks" });
  await expect(confirm).toContainText("Running and waiting tasks stay.");
  await confirm.getByLabel("Ended").click();
  await page.getByRole("option", { name: "Any time" }).click();
  await confirm.getByRole("button", { name: "Clean up", exact: true }).click();
  await expect(confirm).toBeHidden();
  await page.goto(`/admin/tasks?task_user_id=${task.user_tasks}`);
  await expect(page.getByText("No tasks match.")).toBeVisible();
});

test("the task pages in light, dark, zh-CN and at 1024 px", async ({ page }, info) => {
  test.setTimeout(120_000);
  const task = await madeTask(page, `looks-${Date.now().toString(36)}.zip`);
  await page.setViewportSize({ width: 1280, height: 800 });
  await openAdmin(page, "tasks");
  await expect(page.locator("tbody tr").first()).toBeVisible();
  await expectAccessible(page, "admin tasks");
  await snap(page, info, "admin-tasks-light");
  await page.goto("/admin/dashboard");
  await expect(page.getByTestId("queue-metrics")).toBeVisible();
  await expect(page.getByTestId("queue-metrics")).toContainText("Archives and imports");
  await expectAccessible(page, "dashboard with the queue card");
  await snap(page, info, "admin-dashboard-queues");

  await page.evaluate(() => localStorage.setItem("mantine-color-scheme-value", "dark"));
  await page.goto("/admin/tasks");
  await expect(page.locator("tbody tr").first()).toBeVisible();
  await expectAccessible(page, "admin tasks, dark");
  await snap(page, info, "admin-tasks-dark");

  await page.evaluate(() => localStorage.setItem("stratus.language", "zh-CN"));
  await page.goto("/admin/tasks");
  await expect(page.getByRole("main").getByRole("heading", { level: 2 })).toHaveText("任务");
  // The periodic jobs' tasks may be newer than the test's: its own row is looked up by id.
  await expect(page.getByRole("row", { name: new RegExp(`#${task.id}\\b`) })).toContainText("压缩");
  await snap(page, info, "admin-tasks-dark-zh");
  for (const text of ["Tasks", "Status", "Clean up ended tasks", "Completed"]) {
    await expect(page.getByText(text, { exact: true })).toHaveCount(0);
  }

  await page.evaluate(() => {
    localStorage.setItem("mantine-color-scheme-value", "light");
    localStorage.setItem("stratus.language", "en-US");
  });
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto("/admin/tasks");
  await expect(page.locator("tbody tr").first()).toBeVisible();
  await expectAccessible(page, "admin tasks at 1024 px");
  await snap(page, info, "admin-tasks-1024");
});

/** The page's session token, as an Authorization header. */
async function bearer(page: Page): Promise<string> {
  const token = await page.evaluate(() => {
    const raw = localStorage.getItem("stratus.session");
    return raw ? (JSON.parse(raw) as { token: { access_token: string } }).token.access_token : "";
  });
  return `Bearer ${token}`;
}
