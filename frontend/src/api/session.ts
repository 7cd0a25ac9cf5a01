// The signed-in session: kept in localStorage, its access token refreshed before it expires,
// dropped when the server answers 401 or 40020 (or the refresh token is about to expire).
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

async function refresh(session: Session) {
  try {
    const token = await unwrap(
      anonymousApi.POST("/session/token/refresh", {
        body: { refresh_token: session.token.refresh_token },
      }),
    );
    if (current === session) store({ ...session, token });
  } catch (e) {
    // A network failure keeps the session: the request that follows reports it.
    if ((e as { code?: number }).code !== 0 && current === session) store(null);
  }
}

/** The access token to send, refreshed first when it is about to expire. */
export async function accessToken(): Promise<string | null> {
  const session = current;
  if (!session) return null;
  const now = Date.now();
  if (Date.parse(session.token.refresh_expires) - now < MARGIN_MS) {
    store(null);
    return null;
  }
  if (Date.parse(session.token.access_expires) - now < MARGIN_MS) {
    refreshing ??= refresh(session).finally(() => {
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
