// A user's picture. Only asked of the server when the user object says there is one (an
// uploaded file or Gravatar): for everyone else the server answers 404, so the avatar shows
// the initial instead of making that request.
type HasAvatar = { id: string; avatar?: string | null };

/** The picture's address, or `undefined` when the user has none. `version` skips caches. */
export function avatarUrl(user: HasAvatar | undefined, version?: number): string | undefined {
  if (!user || (user.avatar !== "file" && user.avatar !== "gravatar")) return undefined;
  const url = `/api/v4/user/avatar/${encodeURIComponent(user.id)}`;
  return version === undefined ? url : `${url}?nocache=${version}`;
}
