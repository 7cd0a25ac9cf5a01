// The app's frame: header (AppHeader.tsx), the navigation with the storage used
// (AppNavbar.tsx), and the page. Signs the user out when the session ends.
import { AppShell } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { Outlet, useLocation, useNavigate, useSearch } from "@tanstack/react-router";
import { lazy, type ReactNode, Suspense, useEffect } from "react";
import type { SiteConfig } from "../api/client";
import { getSession, signOut, updateUser, useSession } from "../api/session";
import { useBasicConfig } from "../api/siteConfig";
import { ErrorBoundary } from "../components/ErrorBoundary";
import { PreviewHost } from "../features/previews";
import { ShareDialogHost } from "../features/shares/ShareDialogHost";
import { SnapshotDialogHost } from "../features/snapshots/SnapshotDialogHost";
import { TaskDialogHost } from "../features/tasks/TaskDialogHost";
import { UploadSeam } from "../features/uploads/UploadSeam";
import { MY_ROOT, parseUri } from "../lib/uri";
import { AppHeader } from "./AppHeader";
import { AppNavbar } from "./AppNavbar";

// The share landing (its header, password prompt, README, upload zone) is a chunk of its own,
// loaded for share links only: my files' first load does without it.
const ShareGate = lazy(() =>
  import("../features/shares/ShareGate").then((m) => ({ default: m.ShareGate })),
);

function ShareSeam({ fs, children }: { fs: string; children: ReactNode }) {
  if (fs !== "share") return <>{children}</>;
  return (
    <Suspense fallback={null}>
      <ShareGate>{children}</ShareGate>
    </Suspense>
  );
}

export default function AppLayout() {
  const [navOpen, nav] = useDisclosure(false);
  const session = useSession();
  const search = useSearch({ strict: false }) as { path?: string };
  const parsed = parseUri(search.path ?? MY_ROOT);
  const fs = parsed?.fs ?? "my";
  // Another user's drive, opened from Shared with me, is marked as that place.
  const place = fs === "my" && parsed?.id ? "shared_with_me" : fs;
  const basic = useBasicConfig();
  useSessionFollowsServer(basic.data);
  useSignInWhenSignedOut(!!session, fs);

  return (
    <AppShell
      header={{ height: 56 }}
      // A signed-out visitor of a share has nowhere to go: no side bar, no burger.
      navbar={
        session ? { width: 240, breakpoint: "sm", collapsed: { mobile: !navOpen } } : undefined
      }
      padding="md"
    >
      <AppHeader title={basic.data?.title || "Stratus"} navOpen={navOpen} toggleNav={nav.toggle} />
      {session && <AppNavbar session={session} basic={basic.data} fs={place} close={nav.close} />}
      <AppShell.Main>
        <ErrorBoundary>
          <ShareSeam fs={fs}>
            <Outlet />
          </ShareSeam>
        </ErrorBoundary>
      </AppShell.Main>
      <UploadSeam />
      <PreviewHost />
      <ShareDialogHost />
      <TaskDialogHost />
      <SnapshotDialogHost />
    </AppShell>
  );
}

/**
 * The site config says who the server takes the caller for: an expired or revoked token makes
 * them anonymous there, which ends the session here too; a changed user is taken over.
 */
function useSessionFollowsServer(basic: SiteConfig | undefined) {
  useEffect(() => {
    const user = basic?.user;
    const current = getSession();
    if (!user || !current) return;
    if (user.anonymous) signOut();
    else if (user.id === current.user.id && JSON.stringify(user) !== JSON.stringify(current.user)) {
      updateUser(user);
    }
  }, [basic]);
}

/** Signed out, every page but a share's sends to the sign-in page, and back afterwards. */
function useSignInWhenSignedOut(signedIn: boolean, fs: string) {
  const navigate = useNavigate();
  const location = useLocation();
  useEffect(() => {
    // Once on the sign-in page, stay: a second pass would nest its address into `redirect`.
    if (!signedIn && fs !== "share" && !location.pathname.startsWith("/session")) {
      navigate({ to: "/session", search: { redirect: location.href }, replace: true });
    }
  }, [signedIn, fs, navigate, location.href, location.pathname]);
}
