// The explorer's actions, in one registry that the context menu, the "more" button of each row and
// the selection toolbar all read. Other features add their own with `registerAction` (share,
// compress, snapshots) and open files with `registerOpener` (the previews), without the
// explorer importing them: this file is the one seam between features (src/layering.test.ts).
import type { Icon } from "@tabler/icons-react";
import type { FileInfo } from "../../api/client";

/** What the explorer lets an action do besides calling the API. */
export type ExplorerHandle = {
  /** Opens a folder, or a file through the registered openers. */
  open: (file: FileInfo) => void;
  /** Shows one of the explorer's dialogs. */
  show: (dialog: ExplorerDialog) => void;
  /** Runs an API change; a lock conflict (40073) offers to force-unlock and try again. */
  run: (change: () => Promise<void>) => Promise<void>;
  /** Keeps URIs for a later paste. */
  setClipboard: (clip: Clipboard) => void;
  clipboard: Clipboard | null;
};

export type Clipboard = { uris: string[]; cut: boolean };

export type ExplorerDialog =
  | { kind: "newFolder" }
  | { kind: "newFile" }
  | { kind: "rename"; file: FileInfo }
  | { kind: "delete"; files: FileInfo[]; forever: boolean }
  | { kind: "emptyTrash" }
  | { kind: "move"; files: FileInfo[]; copy: boolean }
  | { kind: "info"; file: FileInfo };

export type ActionContext = {
  /** The folder on screen. */
  folder: string;
  /** Its file system: my, trash, shared_with_me, share, snapshot. */
  fs: string;
  /** The files the action applies to: the selection, or the row whose menu was opened. */
  files: FileInfo[];
  explorer: ExplorerHandle;
};

export type ExplorerAction = {
  id: string;
  /** An i18n key, in the namespace of the part that registers the action. */
  labelKey: string;
  icon: Icon;
  /** Place in menus, small first. */
  order: number;
  danger?: boolean;
  /** Also a button of the selection toolbar. */
  toolbar?: boolean;
  /** Shortcut shown beside the label (the key handling itself lives with the list). */
  shortcut?: string;
  /** Also offered in the toolbar's menu for the folder on screen (its `files` is that folder). */
  folderMenu?: boolean;
  applies: (ctx: ActionContext) => boolean;
  /** Capability bits every file must carry (a file without capabilities is not checked). */
  needs?: number[];
  run: (ctx: ActionContext) => void | Promise<void>;
};

const actions = new Map<string, ExplorerAction>();

/** Adds an action (or replaces the one with the same id). */
export function registerAction(action: ExplorerAction) {
  actions.set(action.id, action);
}

export function actionsFor(ctx: ActionContext): ExplorerAction[] {
  if (ctx.files.length === 0) return [];
  return [...actions.values()].filter((a) => mayRun(a, ctx)).sort((a, b) => a.order - b.order);
}

/**
 * Whether `action` is offered for `ctx`: the menus and the keyboard ask the same question, so a
 * shortcut never opens what the menus would not show.
 */
export function mayRun(action: ExplorerAction | undefined, ctx: ActionContext): boolean {
  return !!action && ctx.files.length > 0 && action.applies(ctx) && allows(ctx, action.needs);
}

/** Whether every file of `ctx` carries the capability bits `needs`. */
function allows(ctx: ActionContext, needs: number[] | undefined): boolean {
  if (!needs) return true;
  return ctx.files.every(
    (f) => !f.capability || needs.every((bit) => hasCapability(f.capability, bit)),
  );
}

/** The actions of the toolbar's menu for the folder on screen (`ctx.files` holds that folder). */
export function folderActionsFor(ctx: ActionContext): ExplorerAction[] {
  return actionsFor(ctx).filter((a) => a.folderMenu);
}

export function getAction(id: string): ExplorerAction | undefined {
  return actions.get(id);
}

/**
 * Opens a file; returns true when it did (a preview that knows the type), false to pass.
 * `siblings` are the other files of the folder (an image gallery shows them).
 */
export type Opener = (file: FileInfo, ctx: ActionContext, siblings: FileInfo[]) => boolean;
const openers: Opener[] = [];

/** Openers registered later are asked first; the explorer falls back to downloading. */
export function registerOpener(opener: Opener) {
  openers.unshift(opener);
}

export function tryOpeners(file: FileInfo, ctx: ActionContext, siblings: FileInfo[]): boolean {
  return openers.some((open) => open(file, ctx, siblings));
}

/** Capability bits of a file or folder (spec §4.3), decoded from the base64 boolset. */
export function hasCapability(capability: string | null | undefined, bit: number): boolean {
  if (!capability) return false;
  let bytes: string;
  try {
    bytes = atob(capability);
  } catch {
    return false;
  }
  const byte = bytes.charCodeAt(bit >> 3);
  return !Number.isNaN(byte) && (byte & (1 << (bit & 7))) !== 0;
}

export const CAP = {
  create: 0,
  rename: 1,
  upload: 6,
  download: 7,
  metadata: 8,
  deleteForever: 14,
  trash: 16,
  restore: 17,
  share: 18,
  info: 19,
  versions: 20,
} as const;
