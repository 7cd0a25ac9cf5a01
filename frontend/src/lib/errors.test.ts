import { beforeAll, expect, it } from "vitest";
import { ApiError } from "../api/client";
import i18n from "../i18n";
import enUS from "../i18n/en-US.json";
import { asSentence, errorMessage } from "./errors";

beforeAll(async () => {
  await i18n.init({ lng: "en-US", resources: { "en-US": { translation: enUS } } });
});

it("says a known code in one translated sentence, without the server's repetition", () => {
  expect(errorMessage(new ApiError(40080, "Incorrect e-mail or password"))).toBe(
    "Wrong e-mail or password.",
  );
  expect(errorMessage(new ApiError(0, "Failed to fetch"))).toBe(
    "The server could not be reached. Check your connection.",
  );
});

it("says any other code in the server's words, as a sentence", () => {
  expect(errorMessage(new ApiError(40007, "your group cannot use WebDAV"))).toBe(
    "Your group cannot use WebDAV.",
  );
  // A wrong password and too many tries share 40069: the server's words tell them apart.
  expect(errorMessage(new ApiError(40069, "Too many wrong passwords, try again later"))).toBe(
    "Too many wrong passwords, try again later.",
  );
  expect(errorMessage(new ApiError(40001, ""))).toBe("The server refused (code 40001).");
  expect(errorMessage(new Error("plain"))).toBe("plain");
});

it("keeps a field name's case and an existing full stop", () => {
  expect(asSentence("settings.secret: required")).toBe("settings.secret: required.");
  expect(asSentence("Done.")).toBe("Done.");
  expect(asSentence("  ")).toBe("");
});
