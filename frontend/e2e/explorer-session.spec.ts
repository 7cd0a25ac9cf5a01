// Two tabs whose access token is due refresh it once between them: refresh tokens rotate and a
// reused one ends the whole chain, which used to sign the user out of both.
import { expect, test } from "@playwright/test";
import { freshUser, mkfile, row, signIn } from "./explorer-helpers";

test("two tabs due a refresh at once: one refreshes, both stay signed in", async ({
  context,
  request,
}) => {
  const { account, api } = await freshUser(request, "tabs");
  await mkfile(api, ["still-here.txt"]);
  const first = await context.newPage();
  await signIn(first, account);
  await expect(row(first, "still-here.txt")).toBeVisible();
  const second = await context.newPage();
  await second.goto(first.url());
  await expect(row(second, "still-here.txt")).toBeVisible();

  // Make the stored access token look due, then load both tabs at the same moment.
  await first.evaluate(() => {
    const session = JSON.parse(localStorage.getItem("stratus.session") ?? "{}");
    session.token.access_expires = new Date(Date.now() - 1000).toISOString();
    localStorage.setItem("stratus.session", JSON.stringify(session));
  });
  let refreshes = 0;
  context.on("request", (r) => {
    if (r.url().endsWith("/api/v4/session/token/refresh")) refreshes++;
  });
  await Promise.all([first.reload(), second.reload()]);
  await expect(row(first, "still-here.txt")).toBeVisible();
  await expect(row(second, "still-here.txt")).toBeVisible();
  await Promise.all([
    first.getByRole("button", { name: "Refresh" }).click(),
    second.getByRole("button", { name: "Refresh" }).click(),
  ]);
  expect(refreshes).toBe(1);
  await expect(first).toHaveURL(/\/home/);
  await expect(second).toHaveURL(/\/home/);

  // The chain is alive: the stored refresh token still works, and both tabs still list.
  const stored = await second.evaluate(() =>
    JSON.parse(localStorage.getItem("stratus.session") ?? "{}"),
  );
  const answer = await (
    await request.post("/api/v4/session/token/refresh", {
      data: { refresh_token: stored.token.refresh_token },
    })
  ).json();
  expect(answer.code, answer.msg).toBe(0);
});
