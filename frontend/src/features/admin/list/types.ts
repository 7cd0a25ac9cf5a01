// The shapes an admin list is declared with: its columns, filters and batch actions, and the
// AdminList request and page it exchanges with the server (spec §14.1).
import type { ReactNode } from "react";
import type { Schemas } from "../../../api/client";

export type AdminListRequest = Schemas["AdminListRequest"];
export type AdminPage<R> = { rows: R[]; total: number };

export type Column<R> = {
  key: string;
  label: string;
  /** The server's sort column, when the list can be sorted by this one. */
  sort?: string;
  render: (row: R) => ReactNode;
  /** Right-aligned numbers. */
  numeric?: boolean;
};

export type FilterField = {
  /** The key sent to the server, and the name in the address. */
  key: string;
  label: string;
  /** `condition` (exact) or `search` (contains); conditions by default. */
  kind?: "condition" | "search";
  /** Free text (default), a choice among `options`, or a date and time. */
  type?: "text" | "select" | "datetime";
  options?: { value: string; label: string }[];
};

export type BatchAction<R> = {
  key: string;
  label: string;
  /** What will happen to the chosen rows, in words, shown before anything is done. */
  describe: (rows: R[]) => ReactNode;
  confirmLabel: string;
  danger?: boolean;
  run: (rows: R[]) => Promise<unknown>;
};

export type Order = { by: string; direction: "asc" | "desc" };
