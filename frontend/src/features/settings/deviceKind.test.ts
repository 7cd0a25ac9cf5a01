import { expect, it } from "vitest";
import { deviceKind } from "./deviceKind";

it("tells a desktop client from a phone", () => {
  expect(deviceKind("Nextcloud desktop (Windows)")).toBe("desktop");
  expect(deviceKind("ownCloud desktop")).toBe("desktop");
  expect(deviceKind("Mozilla/5.0 (Linux) mirall/3.14.1")).toBe("desktop");
  expect(deviceKind("Nextcloud Android")).toBe("mobile");
  expect(deviceKind("Nextcloud iOS")).toBe("mobile");
  expect(deviceKind("curl/8.0")).toBe("unknown");
});
