import { expect, it } from "vitest";
import { providerLabel } from "./providerLabel";

const en = (name: string) => `Sign in with ${name}`;
const zh = (name: string) => `使用 ${name} 登录`;

it("says Sign in with once", () => {
  expect(providerLabel("Home IdP", en)).toBe("Sign in with Home IdP");
  expect(providerLabel("Sign in with Google", en)).toBe("Sign in with Google");
  expect(providerLabel("sign in with GitLab ", en)).toBe("sign in with GitLab");
  expect(providerLabel("Log in with Okta", en)).toBe("Log in with Okta");
  expect(providerLabel("Continue with Apple", en)).toBe("Continue with Apple");
  expect(providerLabel("Signal", en)).toBe("Sign in with Signal");
  expect(providerLabel("Sign in with Google", zh)).toBe("Sign in with Google");
  expect(providerLabel("Google", zh)).toBe("使用 Google 登录");
});
