// The marks after a name: shared by a link, shared with people (the owner's rows), or, under
// "Shared with me", whose drive the item is in (inside that drive the crumbs say it). A row
// mounts these only when they may show something, so the usual row stays as cheap as before.
import { Avatar } from "@mantine/core";
import { IconLink, IconUsers } from "@tabler/icons-react";
import { useSearch } from "@tanstack/react-router";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../../api/client";
import { usePublicUser } from "../../../api/sharing/permissions";
import { parseUri } from "../../../lib/uri";
import classes from "./FileList.module.css";

/** Whose drive a received item is in: the owner's id of `cloudreve://<owner>@my/…`. */
export function ownerOf(file: FileInfo): string | undefined {
  const parsed = parseUri(file.path);
  return parsed?.fs === "my" ? parsed.id : undefined;
}

export function hasMarks(file: FileInfo): boolean {
  return !!file.shared || !!file.granted || !!ownerOf(file);
}

export function ShareMarks({ file }: { file: FileInfo }) {
  const { t } = useTranslation();
  const { path } = useSearch({ from: "/app/home" });
  const received = ownerOf(file);
  const owner = parseUri(path)?.fs === "shared_with_me" ? received : undefined;
  if (!file.shared && !(file.granted && !received) && !owner) return null;
  return (
    <span className={classes.marks}>
      {file.shared && (
        <IconLink size={14} role="img" aria-label={t("people.markLink")}>
          <title>{t("people.markLink")}</title>
        </IconLink>
      )}
      {file.granted && !received && (
        <IconUsers size={14} role="img" aria-label={t("people.markPeople")}>
          <title>{t("people.markPeople")}</title>
        </IconUsers>
      )}
      {owner && <Owner id={owner} />}
    </span>
  );
}

function Owner({ id }: { id: string }) {
  const { t } = useTranslation();
  const user = usePublicUser(id).data;
  const name = user?.nickname ?? "";
  return (
    <span className={classes.owner} title={t("people.ownedBy", { name })}>
      <Avatar src={`/api/v4/user/avatar/${id}`} size={18} radius="xl" alt="">
        {name.slice(0, 1).toUpperCase()}
      </Avatar>
      <span className={classes.ownerName}>{name}</span>
    </span>
  );
}
