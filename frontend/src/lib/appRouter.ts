// The app's router, for code drawn outside the router's context (notifications, drawers opened
// from a store) that still navigates. The shell hands it over when it makes it, so that shared
// code and features need not import the shell.
import type { RegisteredRouter } from "@tanstack/react-router";

let current: RegisteredRouter | undefined;

export function setAppRouter(router: RegisteredRouter) {
  current = router;
}

export function appRouter(): RegisteredRouter {
  if (!current) throw new Error("the router is not made yet");
  return current;
}
