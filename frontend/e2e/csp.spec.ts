// The page runs under the server's Content-Security-Policy: signing in, the explorer and a
// picture's preview load everything they need without one violation, and the page may not be
// framed.
import { expect, test } from "@playwright/test";
import { signInPage } from "./helpers";
import { newAccount } from "./site";
import { driveOf, openFolder } from "./transfers";

/** A 2×2 red PNG. */
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a730000001049444154789c63f8cfc000440c100a001fee03fd8b5f14d40000000049454e44ae426082",
  "hex",
);

test("the app runs under its content security policy", async ({ page, request }) => {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (e) => {
      seen.push(`${e.effectiveDirective} ${e.blockedURI}`);
    });
  });
  // An account of its own: the explorer spec expects the shared user's drive empty.
  const account = await newAccount(request, "csp");
  const drive = await driveOf(request, account);
  const folder = await drive.folder("csp");
  await drive.put(`${folder}/dot.png`, PNG);

  const answer = await request.get("/home");
  const policy = answer.headers()["content-security-policy"] ?? "";
  expect(policy).toContain("frame-ancestors 'none'");
  expect(answer.headers()["x-frame-options"]).toBe("DENY");

  await signInPage(page, account);
  await openFolder(page, folder);
  await page.getByRole("button", { name: "dot.png", exact: true }).dblclick();
  const image = page.getByRole("dialog").getByTestId("preview-image");
  await expect(image).toBeVisible();
  await expect(image).toHaveJSProperty("naturalWidth", 2);
  const violations = await page.evaluate(
    () => (window as unknown as { cspViolations: string[] }).cspViolations,
  );
  expect(violations).toEqual([]);
});
