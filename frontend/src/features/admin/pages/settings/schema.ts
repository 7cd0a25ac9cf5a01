// The site settings the settings page shows, grouped as people look for them, with what each
// may hold. The checks mirror the server's (it checks again and has the last word); a value
// that fails here is never sent.

export type FieldKind =
  | { type: "text"; multiline?: boolean }
  | { type: "secret" }
  | { type: "bool" }
  | { type: "int"; min: number; max: number; unit?: "seconds" | "bytes" }
  | { type: "select"; options: readonly string[] }
  | { type: "url" }
  | { type: "urls" }
  | { type: "email" }
  | { type: "json"; shape: "object" | "array" }
  | { type: "schedule" }
  | { type: "group" }
  | { type: "groups" }
  | { type: "customProps" }
  | { type: "viewerDefaults" }
  | { type: "oidcProviders" };

/** `label`: a translation key of its own, for the fields every generator has alike. */
export type Field = { key: string; kind: FieldKind; label?: string };

/**
 * A thumbnail generator or metadata reader, shown as a card of its own: `tool` is the name
 * `POST /admin/tool/thumbExecutable` knows it by (for the "Test" button beside its path).
 */
export type Generator = { id: string; tool?: string; reader?: boolean; fields: Field[] };
export type SectionId =
  | "site"
  | "accounts"
  | "ldap"
  | "oidc"
  | "captcha"
  | "mail"
  | "files"
  | "thumbnails"
  | "queues"
  | "webdav"
  | "guard"
  | "explorer"
  | "pages"
  | "events"
  | "compat";

const TEN_YEARS = 10 * 365 * 86_400;
const text: FieldKind = { type: "text" };
const bool: FieldKind = { type: "bool" };
const seconds = (min = 0, max = TEN_YEARS): FieldKind => ({
  type: "int",
  min,
  max,
  unit: "seconds",
});
const bytes: FieldKind = { type: "int", min: 0, max: Number.MAX_SAFE_INTEGER, unit: "bytes" };
const int = (min: number, max: number): FieldKind => ({ type: "int", min, max });

const ON = "admin.settings.generators.field.enabled";
/** The label of a generator's executable, beside which its "Test" button goes. */
export const EXECUTABLE = "admin.settings.generators.field.path";
const LIKE = {
  path: EXECUTABLE,
  exts: "admin.settings.generators.field.exts",
  max_size: "admin.settings.generators.field.maxSize",
  sizeLocal: "admin.settings.generators.field.sizeLocal",
  sizeRemote: "admin.settings.generators.field.sizeRemote",
};

/** The `thumb_<id>_*` keys a generator has: on/off, then those of `parts` in order. */
function thumbFields(id: string, parts: ("path" | "exts" | "max_size")[]): Field[] {
  const kinds = { path: text, exts: { type: "text", multiline: true }, max_size: bytes } as const;
  return [
    { key: `thumb_${id}_enabled`, kind: bool, label: ON },
    ...parts.map((p) => ({ key: `thumb_${id}_${p}`, kind: kinds[p], label: LIKE[p] })),
  ];
}

const EXTERNAL = ["path", "exts", "max_size"] as const;

/** Cloudreve's generators in the order the server tries them, then the metadata readers. */
export const GENERATORS: Generator[] = [
  { id: "builtin", fields: thumbFields("builtin", ["max_size"]) },
  { id: "vips", tool: "vips", fields: thumbFields("vips", [...EXTERNAL]) },
  {
    id: "ffmpeg",
    tool: "ffmpeg",
    fields: [
      ...thumbFields("ffmpeg", [...EXTERNAL]),
      { key: "thumb_ffmpeg_seek", kind: text },
      { key: "thumb_ffmpeg_extra_args", kind: text },
    ],
  },
  { id: "libreoffice", tool: "libreOffice", fields: thumbFields("libreoffice", [...EXTERNAL]) },
  { id: "poppler", tool: "poppler", fields: thumbFields("poppler", [...EXTERNAL]) },
  { id: "libraw", tool: "libRaw", fields: thumbFields("libraw", [...EXTERNAL]) },
  { id: "heif", tool: "heif", fields: thumbFields("heif", [...EXTERNAL]) },
  { id: "music_cover", fields: thumbFields("music_cover", ["exts", "max_size"]) },
  {
    id: "exif",
    reader: true,
    fields: [
      { key: "media_meta_exif", kind: bool, label: ON },
      { key: "media_meta_exif_size_local", kind: bytes, label: LIKE.sizeLocal },
      { key: "media_meta_exif_size_remote", kind: bytes, label: LIKE.sizeRemote },
    ],
  },
  {
    id: "music",
    reader: true,
    fields: [
      { key: "media_meta_music", kind: bool, label: ON },
      { key: "media_meta_music_size_local", kind: bytes, label: LIKE.sizeLocal },
      { key: "media_exif_music_size_remote", kind: bytes, label: LIKE.sizeRemote },
    ],
  },
  {
    id: "ffprobe",
    reader: true,
    tool: "ffprobe",
    fields: [
      { key: "media_meta_ffprobe", kind: bool, label: ON },
      { key: "media_meta_ffprobe_path", kind: text, label: LIKE.path },
      { key: "media_meta_ffprobe_size_local", kind: bytes, label: LIKE.sizeLocal },
      { key: "media_meta_ffprobe_size_remote", kind: bytes, label: LIKE.sizeRemote },
    ],
  },
];

const QUEUES = ["media_meta", "thumb", "recycle", "io_intense", "remote_download"] as const;

export type Section = { id: SectionId; fields: Field[]; generators?: Generator[] };

export const SECTIONS: Section[] = [
  {
    id: "site",
    fields: [
      { key: "siteName", kind: text },
      { key: "siteDes", kind: { type: "text", multiline: true } },
      { key: "siteURL", kind: { type: "urls" } },
      { key: "site_logo", kind: text },
      { key: "site_logo_light", kind: text },
      { key: "tos_url", kind: { type: "url" } },
      { key: "privacy_policy_url", kind: { type: "url" } },
      { key: "defaultTheme", kind: text },
      { key: "theme_options", kind: { type: "json", shape: "object" } },
    ],
  },
  {
    id: "accounts",
    fields: [
      { key: "register_enabled", kind: bool },
      { key: "default_group", kind: { type: "group" } },
      { key: "email_active", kind: bool },
      { key: "authn_enabled", kind: bool },
      { key: "access_token_ttl", kind: seconds(60) },
      { key: "refresh_token_ttl", kind: seconds(60) },
      { key: "ban_time", kind: seconds() },
    ],
  },
  // Directory sign-in (docs/sign-in.md); the tab also has the "test a login" form.
  {
    id: "ldap",
    fields: [
      { key: "ldap_enabled", kind: bool },
      { key: "ldap_url", kind: text },
      { key: "ldap_starttls", kind: bool },
      { key: "ldap_tls_ca", kind: { type: "text", multiline: true } },
      { key: "ldap_bind_dn", kind: text },
      { key: "ldap_bind_password", kind: { type: "secret" } },
      { key: "ldap_base_dn", kind: text },
      { key: "ldap_user_filter", kind: text },
      { key: "ldap_email_attribute", kind: text },
      { key: "ldap_name_attribute", kind: text },
      { key: "ldap_group_map", kind: { type: "json", shape: "object" } },
      { key: "ldap_default_group", kind: int(0, Number.MAX_SAFE_INTEGER) },
      { key: "ldap_allowed_cidrs", kind: text },
    ],
  },
  // OpenID Connect providers: edited in their own list (ProvidersEditor.tsx).
  {
    id: "oidc",
    fields: [
      { key: "oidc_providers", kind: { type: "oidcProviders" } },
      { key: "oidc_allowed_cidrs", kind: text },
    ],
  },
  {
    id: "captcha",
    fields: [
      { key: "login_captcha", kind: bool },
      { key: "reg_captcha", kind: bool },
      { key: "forget_captcha", kind: bool },
      { key: "captcha_type", kind: { type: "select", options: ["normal"] } },
      { key: "captcha_width", kind: int(80, 800) },
      { key: "captcha_height", kind: int(30, 300) },
      { key: "captcha_CaptchaLen", kind: int(4, 10) },
    ],
  },
  {
    id: "mail",
    fields: [
      { key: "fromName", kind: text },
      { key: "fromAdress", kind: { type: "email" } },
      { key: "replyTo", kind: text },
      { key: "smtpHost", kind: text },
      { key: "smtpPort", kind: int(1, 65535) },
      { key: "smtpEncryption", kind: { type: "select", options: ["0", "starttls", "ssl"] } },
      { key: "smtpUser", kind: text },
      { key: "smtpPass", kind: { type: "secret" } },
      { key: "mail_keepalive", kind: seconds() },
    ],
  },
  {
    id: "files",
    fields: [
      { key: "maxEditSize", kind: bytes },
      { key: "upload_session_timeout", kind: seconds(60) },
      { key: "chunk_retries", kind: int(0, 100) },
      { key: "use_temp_chunk_buffer", kind: bool },
      { key: "s3_delete_final", kind: bool },
      { key: "max_parallel_transfer", kind: int(1, 100) },
      { key: "temp_path", kind: text },
      { key: "remote_download_allowed_cidrs", kind: text },
      { key: "archive_timeout", kind: seconds(1) },
      { key: "max_page_size", kind: int(10, 100_000) },
      { key: "max_batched_file", kind: int(1, 1_000_000) },
      { key: "max_recursive_searched_folder", kind: int(0, 1_000_000) },
      { key: "entity_url_default_ttl", kind: seconds(1) },
      { key: "public_resource_maxage", kind: seconds() },
    ],
  },
  {
    id: "thumbnails",
    fields: [
      { key: "thumb_width", kind: int(16, 4096) },
      { key: "thumb_height", kind: int(16, 4096) },
      { key: "thumb_encode_method", kind: { type: "select", options: ["png", "jpg", "webp"] } },
      { key: "thumb_encode_quality", kind: int(1, 100) },
      { key: "thumb_gc_after_gen", kind: bool },
      { key: "thumb_generator_timeout", kind: seconds(1, 3600) },
      {
        key: "thumb_generator_max_memory",
        kind: { type: "int", min: 64 << 20, max: Number.MAX_SAFE_INTEGER, unit: "bytes" },
      },
      { key: "media_meta", kind: bool },
    ],
    generators: GENERATORS,
  },
  {
    id: "queues",
    fields: [
      ...QUEUES.flatMap((q) => [
        { key: `queue_${q}_worker_num`, kind: int(1, 1000) },
        { key: `queue_${q}_max_retry`, kind: int(0, 1000) },
      ]),
      { key: "cron_garbage_collect", kind: { type: "schedule" } },
      { key: "cron_entity_collect", kind: { type: "schedule" } },
      { key: "cron_trash_bin_collect", kind: { type: "schedule" } },
    ],
  },
  // WebDAV is switched on per group (the WebDAV permission); the site has no WebDAV setting.
  { id: "webdav", fields: [] },
  // The guard against mass deletion (docs/guard.md); its incidents have a page of their own.
  {
    id: "guard",
    fields: [
      { key: "guard_enabled", kind: bool },
      { key: "guard_burst_files", kind: int(1, 1_000_000) },
      { key: "guard_burst_seconds", kind: seconds(1, 86_400) },
      { key: "guard_web_sessions", kind: bool },
      { key: "guard_exempt_groups", kind: { type: "groups" } },
    ],
  },
  {
    id: "explorer",
    fields: [
      { key: "custom_props", kind: { type: "customProps" } },
      { key: "viewer_default_apps", kind: { type: "viewerDefaults" } },
      { key: "file_app_drawio_enabled", kind: bool },
      { key: "file_app_drawio_url", kind: { type: "url" } },
      { key: "file_app_excalidraw_enabled", kind: bool },
      { key: "file_app_excalidraw_url", kind: { type: "url" } },
      { key: "map_mapbox_ak", kind: text },
      { key: "show_encryption_status", kind: bool },
      { key: "fts_enabled", kind: bool },
      { key: "expose_user_email", kind: bool },
    ],
  },
  {
    id: "pages",
    fields: [
      { key: "custom_nav_items", kind: { type: "json", shape: "array" } },
      { key: "sidebar_bottom_html", kind: { type: "text", multiline: true } },
      { key: "headless_bottom_html", kind: { type: "text", multiline: true } },
      { key: "headless_footer_html", kind: { type: "text", multiline: true } },
      { key: "show_desktop_app_promotion", kind: bool },
    ],
  },
  {
    id: "events",
    fields: [
      { key: "fs_event_push_enabled", kind: bool },
      { key: "fs_event_push_max_age", kind: seconds(60) },
      { key: "fs_event_push_debounce", kind: seconds(0, 3600) },
    ],
  },
  // Kept for sites moved from Cloudreve; Stratus lacks these features (docs/settings.md).
  {
    id: "compat",
    fields: [
      { key: "captcha_cap_site_key", kind: text },
      { key: "captcha_cap_secret_key", kind: { type: "secret" } },
      {
        key: "captcha_cap_asset_server",
        kind: { type: "select", options: ["jsdelivr", "unpkg", "instance"] },
      },
      { key: "media_meta_geocoding", kind: bool },
      { key: "media_meta_geocoding_mapbox_ak", kind: { type: "secret" } },
      {
        key: "encrypt_master_key_vault",
        kind: { type: "select", options: ["setting", "env", "file"] },
      },
      { key: "encrypt_master_key_file", kind: text },
      { key: "fts_index_type", kind: { type: "select", options: ["meilisearch"] } },
      { key: "fts_extractor_type", kind: { type: "select", options: ["tika"] } },
      { key: "fts_meilisearch_endpoint", kind: { type: "url" } },
      { key: "fts_meilisearch_api_key", kind: { type: "secret" } },
      { key: "fts_meilisearch_page_size", kind: int(1, 1000) },
      { key: "fts_meilisearch_embed_enabled", kind: bool },
      { key: "fts_meilisearch_embed_config", kind: { type: "json", shape: "object" } },
      { key: "fts_tika_endpoint", kind: { type: "url" } },
      { key: "fts_tika_exts", kind: { type: "text", multiline: true } },
      { key: "fts_tika_max_file_size", kind: bytes },
      { key: "fts_chunk_size", kind: int(100, 1 << 20) },
    ],
  },
];

/** Every field of a section, its generators' included: what it loads and saves. */
export function sectionFields(section: Section): Field[] {
  return [...section.fields, ...(section.generators ?? []).flatMap((g) => g.fields)];
}

/**
 * Settings shown on other pages, beside what they concern: the internal ranges webhooks may
 * reach are edited with the notification channels.
 */
export const NOTIFICATION_FIELDS: Field[] = [{ key: "notification_allowed_cidrs", kind: text }];

export const ALL_KEYS = [
  ...SECTIONS.flatMap((s) => sectionFields(s).map((f) => f.key)),
  ...NOTIFICATION_FIELDS.map((f) => f.key),
];

/** Problems a value can have, as translation keys under `admin.settings.invalid`. */
export type Problem =
  | { key: "notNumber" }
  | { key: "range"; min: number; max: number }
  | { key: "url" }
  | { key: "urls" }
  | { key: "email" }
  | { key: "json" }
  | { key: "jsonObject" }
  | { key: "jsonArray" }
  | { key: "schedule" }
  | { key: "choice" }
  | { key: "groups" };

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && !!url.hostname;
  } catch {
    return false;
  }
}

/** What is wrong with `value` for `kind`, or null when it may be sent. */
export function check(kind: FieldKind, value: string): Problem | null {
  const v = value.trim();
  switch (kind.type) {
    case "int":
    case "group": {
      if (!/^-?\d+$/.test(v)) return { key: "notNumber" };
      const n = Number(v);
      const [min, max] = kind.type === "int" ? [kind.min, kind.max] : [1, Number.MAX_SAFE_INTEGER];
      return n < min || n > max ? { key: "range", min, max } : null;
    }
    case "url":
      return v === "" || isHttpUrl(v) ? null : { key: "url" };
    case "urls": {
      const urls = v
        .split(",")
        .map((u) => u.trim())
        .filter(Boolean);
      return urls.length > 0 && urls.every(isHttpUrl) ? null : { key: "urls" };
    }
    case "email":
      return /^[^\s@]+@[^\s@]+$/.test(v) ? null : { key: "email" };
    case "json": {
      let parsed: unknown;
      try {
        parsed = JSON.parse(v);
      } catch {
        return { key: "json" };
      }
      if (kind.shape === "array") return Array.isArray(parsed) ? null : { key: "jsonArray" };
      return parsed && typeof parsed === "object" && !Array.isArray(parsed)
        ? null
        : { key: "jsonObject" };
    }
    case "schedule":
      if (v.startsWith("@every ")) {
        // A Go duration, as the server reads it: `@every 1h30m`, `@every 90s`.
        return /^@every (\d+(ms|s|m|h|d))+$/.test(v) ? null : { key: "schedule" };
      }
      return v.startsWith("@") || [5, 6].includes(v.split(/\s+/).length)
        ? null
        : { key: "schedule" };
    case "select":
      return kind.options.includes(v) ? null : { key: "choice" };
    case "groups":
      return /^(\d+(\s*,\s*\d+)*)?$/.test(v) ? null : { key: "groups" };
    case "customProps":
      return checkCustomProps(v);
    default:
      return null;
  }
}

/** The definitions must parse; the server checks them in full. */
function checkCustomProps(v: string): Problem | null {
  try {
    return Array.isArray(JSON.parse(v)) ? null : { key: "jsonArray" };
  } catch {
    return { key: "json" };
  }
}

/**
 * The setting a refusal of the server names: its messages start with `<key>: `. Null when the
 * message names none of `keys`.
 */
export function refusedKey(message: string, keys: readonly string[]): string | null {
  const name = message.split(":")[0]?.trim() ?? "";
  return keys.includes(name) ? name : null;
}
