// The routes. Pages are separate chunks, loaded when first visited; /home is the explorer
// (`?path=cloudreve://…`), also for share links (`/s/:id` redirects there).
import {
  createRootRoute,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  redirect,
} from "@tanstack/react-router";
import { getSession } from "./api/session";
import { ErrorView } from "./components/ErrorBoundary";
import { NotFound } from "./components/NotFound";
import { MY_ROOT, parseUri } from "./lib/uri";

const rootRoute = createRootRoute({
  component: Outlet,
  errorComponent: ({ error, reset }) => <ErrorView error={error} onRetry={reset} />,
  notFoundComponent: NotFound,
});

const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/",
  beforeLoad: () => {
    throw redirect({ to: "/home", search: { path: MY_ROOT } });
  },
});

export const sessionRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/session",
  validateSearch: (search: Record<string, unknown>): { redirect?: string } => ({
    redirect: typeof search.redirect === "string" ? search.redirect : undefined,
  }),
  component: lazyRouteComponent(() => import("./pages/SignIn")),
});

const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: "app",
  component: lazyRouteComponent(() => import("./components/AppLayout")),
});

export const homeRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/home",
  validateSearch: (search: Record<string, unknown>): { path: string } => ({
    path: typeof search.path === "string" && parseUri(search.path) ? search.path : MY_ROOT,
  }),
  // A share link opens without an account; everything else needs one.
  beforeLoad: ({ search, location }) => {
    if (!getSession() && parseUri(search.path)?.fs !== "share") {
      throw redirect({ to: "/session", search: { redirect: location.href } });
    }
  },
  component: lazyRouteComponent(() => import("./pages/explorer/Explorer")),
});

const routeTree = rootRoute.addChildren([
  indexRoute,
  sessionRoute,
  appRoute.addChildren([homeRoute]),
]);

export const router = createRouter({ routeTree, defaultPreload: "intent" });

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
}
