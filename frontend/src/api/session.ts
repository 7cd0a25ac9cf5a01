// The signed-in session: kept in localStorage, its access token refreshed before it expires,
// dropped when the server answers 401 or 40020 (or the refresh token is about to expire). Only one
// tab refreshes at a time; the others take the new token from storage.
import { useSyncExternalStore } from "react";
import { anonymousApi, api, onSignedOut, type Token, type User, unwrap } from "./client";

const STORAGE_KEY = "stratus.session";
/** Refresh the access token when it has less than this left; give up on the refresh token too. */
const MARGIN_MS = 10 * 60 * 1000;

export type Session = { user: User; token: Token };

let current: Session | null = load();
const listeners = new Set<() => void>();

function load(): Session | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

function store(session: Session | null) {
  current = session;
  if (session) localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else localStorage.removeItem(STORAGE_KEY);
  for (const listener of listeners) listener();
}

// Another tab signing in or out changes this one too.
window.addEventListener("storage", (event) => {
  if (event.key === STORAGE_KEY) {
    current = load();
    for (const listener of listeners) listener();
  }
});

export function getSession(): Session | null {
  return current;
}

export function useSession(): Session | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
}

export function signIn(session: Session) {
  store(session);
}

/** Keeps the token, with the user as the server now describes them. */
export function updateUser(user: User) {
  if (current) store({ ...current, user });
}

/** Revokes the refresh chain on the server (best effort) and forgets the session. */
export async function signOut() {
  const session = current;
  store(null);
  if (session) {
    await anonymousApi
      .DELETE("/session/token", { body: { refresh_token: session.token.refresh_token } })
      .catch(() => {});
  }
}

let refreshing: Promise<void> | null = null;

const LOCK_NAME = "stratus.refresh";
const accessDue = (session: Session) =>
  Date.parse(session.token.access_expires) - Date.now() < MARGIN_MS;

/**
 * Refreshes the access token in one tab at a time. The server rotates refresh tokens and ends
 * the whole chain when one is used twice, so two tabs refreshing with the same token would sign
 * the user out everywhere. Inside the lock, a tab first reads the session back from storage:
 * when another tab has refreshed meanwhile, it takes that token instead of refreshing again.
 */
async function refresh() {
  await withRefreshLock(async () => {
    const latest = load();
    if (!latest) {
      if (current) store(null);
      return;
    }
    if (!accessDue(latest)) {
      adopt(latest);
      return;
    }
    try {
      const token = await unwrap(
        anonymousApi.POST("/session/token/refresh", {
          body: { refresh_token: latest.token.refresh_token },
        }),
      );
      store({ ...latest, token });
    } catch (e) {
      // A network failure keeps the session: the request that follows reports it.
      if ((e as { code?: number }).code !== 0) store(null);
    }
  });
}

/** Takes a session another tab stored, without writing it back. */
function adopt(session: Session) {
  if (JSON.stringify(session) === JSON.stringify(current)) return;
  current = session;
  for (const listener of listeners) listener();
}

/** Web Locks where the browser has them (all current ones), else a lease in localStorage. */
async function withRefreshLock(run: () => Promise<void>) {
  if (navigator.locks?.request) {
    await navigator.locks.request(LOCK_NAME, run);
    return;
  }
  const key = `${STORAGE_KEY}.refresh-lock`;
  const me = `${Date.now()}-${Math.random()}`;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const holder = () => {
    try {
      return JSON.parse(localStorage.getItem(key) ?? "null") as {
        owner: string;
        until: number;
      } | null;
    } catch {
      return null;
    }
  };
  // A lease that outlives a crashed tab by at most 10 s; give up waiting after 15 s.
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const held = holder();
    if (!held || held.until < Date.now()) {
      localStorage.setItem(key, JSON.stringify({ owner: me, until: Date.now() + 10_000 }));
      await pause(30); // a tab that wrote at the same moment may have overwritten the lease
      if (holder()?.owner === me) {
        try {
          await run();
        } finally {
          localStorage.removeItem(key);
        }
        return;
      }
    }
    await pause(100);
  }
  await run();
}

/** The access token to send, refreshed first when it is about to expire. */
export async function accessToken(): Promise<string | null> {
  const session = current;
  if (!session) return null;
  if (Date.parse(session.token.refresh_expires) - Date.now() < MARGIN_MS) {
    store(null);
    return null;
  }
  if (accessDue(session)) {
    refreshing ??= refresh().finally(() => {
      refreshing = null;
    });
    await refreshing;
  }
  return current?.token.access_token ?? null;
}

api.use({
  async onRequest({ request }) {
    const token = await accessToken();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  },
});

onSignedOut(() => store(null));
