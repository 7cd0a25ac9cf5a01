// The routes. /home is the explorer (`?path=cloudreve://…`), also for share links (`/s/:id`
// redirects there): it and the app frame are in the first load, so that its code, the listing
// (started by index.html, see earlyListing.ts) and the page's styles arrive in one parallel
// round instead of three in a row. Every other page is a chunk of its own, loaded when first
// visited.
import {
  createRootRoute,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  redirect,
} from "@tanstack/react-router";
import { getSession } from "../api/session";
import { TASK_CATEGORIES, type TaskCategory } from "../api/tasks/tasks";
import { ErrorView } from "../components/ErrorBoundary";
import { NotFound } from "../components/NotFound";
import { AdminGate } from "../features/admin/AdminGate";
import { setAppRouter } from "../lib/appRouter";
import { MY_ROOT, parseUri } from "../lib/uri";
import AppLayout from "./AppLayout";
import ExplorerPage from "./ExplorerPage";
import { adminStrings, oauthStrings } from "./pageStrings";

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

const accountPages = () => import("../features/account/pages");

export const sessionRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/session",
  validateSearch: (search: Record<string, unknown>): { redirect?: string } => ({
    redirect: typeof search.redirect === "string" ? search.redirect : undefined,
  }),
  component: lazyRouteComponent(accountPages, "SignIn"),
});

// Signed-out account pages; the reset and activation pages are where the mailed links lead.
const signUpRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/session/signup",
  component: lazyRouteComponent(accountPages, "SignUp"),
});
const forgotRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/session/forget",
  component: lazyRouteComponent(accountPages, "ForgotPassword"),
});
const linkParam = (value: unknown) => (typeof value === "string" ? value : undefined);
const resetRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/session/reset",
  validateSearch: (search: Record<string, unknown>) => ({
    id: linkParam(search.id),
    secret: linkParam(search.secret),
  }),
  component: lazyRouteComponent(accountPages, "ResetPassword"),
});
const activateRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/session/activate",
  validateSearch: (search: Record<string, unknown>) => ({
    id: linkParam(search.id),
    sign: linkParam(search.sign),
  }),
  component: lazyRouteComponent(accountPages, "Activate"),
});

// Where an OpenID Connect provider's callback lands: the one-time code, or the error.
const oidcLandingRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/session/oidc",
  validateSearch: (search: Record<string, unknown>) => ({
    code: linkParam(search.code),
    error: linkParam(search.error),
    linked: linkParam(search.linked),
    redirect: linkParam(search.redirect),
  }),
  component: lazyRouteComponent(accountPages, "OidcLanding"),
});

// OAuth (spec 4.18 §2.11): the authorization endpoint stands alone like the sign-in page; the
// callbacks of the official clients' redirect URIs need the account and sit in the app frame.
const oauthPages = () => import("../features/oauth/pages");
const authorizeRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/session/authorize",
  loader: oauthStrings,
  component: lazyRouteComponent(oauthPages, "Authorize"),
});

const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: "app",
  component: AppLayout,
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
  component: ExplorerPage,
});

const needsSession = ({ location }: { location: { href: string } }) => {
  if (!getSession()) throw redirect({ to: "/session", search: { redirect: location.href } });
};
export const settingsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/settings",
  beforeLoad: needsSession,
  loader: oauthStrings,
  component: lazyRouteComponent(() => import("../features/settings/Settings")),
});
// Sync clients: how to connect one, and the page a client's login flow opens to be approved.
const syncClientsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/settings/sync-clients",
  beforeLoad: needsSession,
  component: lazyRouteComponent(() => import("../features/settings/SyncClients")),
});
const deviceApprovalRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/session/device/$token",
  beforeLoad: needsSession,
  component: lazyRouteComponent(() => import("../features/settings/DeviceApproval")),
});
export const mySharesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/shares",
  beforeLoad: needsSession,
  component: lazyRouteComponent(() => import("../features/shares/MyShares")),
});

export const tasksRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/tasks",
  validateSearch: (search: Record<string, unknown>): { category: TaskCategory } => ({
    category: TASK_CATEGORIES.find((c) => c === search.category) ?? "general",
  }),
  beforeLoad: needsSession,
  component: lazyRouteComponent(() => import("../features/tasks/TasksPage")),
});

const desktopCallbackRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/callback/desktop",
  beforeLoad: needsSession,
  loader: oauthStrings,
  component: lazyRouteComponent(oauthPages, "DesktopCallback"),
});
const iosCallbackRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/callback/ios",
  beforeLoad: needsSession,
  loader: oauthStrings,
  component: lazyRouteComponent(oauthPages, "IosCallback"),
});

// The admin console: AdminGate checks the user is an administrator before the console's own
// chunk is fetched; the console picks its page from the rest of the address (features/admin/nav.ts).
export const adminRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/admin/$",
  beforeLoad: needsSession,
  loader: adminStrings,
  component: AdminGate,
});

const routeTree = rootRoute.addChildren([
  indexRoute,
  sessionRoute,
  signUpRoute,
  forgotRoute,
  resetRoute,
  activateRoute,
  oidcLandingRoute,
  authorizeRoute,
  adminRoute,
  appRoute.addChildren([
    homeRoute,
    settingsRoute,
    syncClientsRoute,
    deviceApprovalRoute,
    mySharesRoute,
    tasksRoute,
    desktopCallbackRoute,
    iosCallbackRoute,
  ]),
]);

export const router = createRouter({ routeTree, defaultPreload: "intent" });
setAppRouter(router);

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
}
