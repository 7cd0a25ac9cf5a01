// The share dialog's state: every option of a new or edited share, and the submit that creates
// or updates it and keeps the answered link.
import { useState } from "react";
import { createShare, type ShareOptions, updateShare } from "../../api/sharing/shares";
import { useSubmit } from "../../lib/form";
import { type Expiry, expirySeconds, localInputValue } from "./ShareExpiry";
import type { ShareTarget } from "./shareDialogStore";

const MIB = 1024 * 1024;

export function useShareForm(target: ShareTarget) {
  const existing = target.kind === "edit" ? target.share : undefined;
  const isFolder = target.kind === "edit" ? existing?.source_type === 1 : target.folder;
  const [isPrivate, setPrivate] = useState(!!existing?.password || !!existing?.is_private);
  const [password, setPassword] = useState("");
  const [expiry, setExpiry] = useState<Expiry>(existing?.expires ? "keep" : "never");
  const [date, setDate] = useState(localInputValue(new Date(Date.now() + 7 * 86_400_000)));
  const [limited, setLimited] = useState(existing?.remain_downloads != null);
  const [downloads, setDownloads] = useState<number>(existing?.remain_downloads ?? 1);
  const [shareView, setShareView] = useState(!!existing?.share_view);
  const [showReadme, setShowReadme] = useState(!!existing?.show_readme);
  const [uploadOnly, setUploadOnly] = useState(!!existing?.upload_only);
  /** The upload cap in MiB; 0 = only the owner's quota. */
  const [capMib, setCapMib] = useState<number>(
    existing?.upload_limit ? Math.ceil(existing.upload_limit / MIB) : 0,
  );
  const [link, setLink] = useState<string | null>(null);

  const { busy, error, submit } = useSubmit(async () => {
    const options: ShareOptions = {
      isPrivate,
      password: password.trim() || undefined,
      downloads: limited && !uploadOnly ? Math.max(1, downloads) : 0,
      expire: expirySeconds(expiry, date, existing?.expires),
      shareView: shareView && !uploadOnly,
      showReadme: isFolder && !uploadOnly ? showReadme : false,
      uploadOnly: isFolder ? uploadOnly : false,
      uploadLimit: isFolder && uploadOnly ? Math.max(0, capMib) * MIB : 0,
    };
    if (existing) setLink(await updateShare(existing.id, options));
    else if (target.kind === "create") setLink(await createShare(target.uri, options));
  });

  return {
    existing,
    isFolder,
    fields: {
      isPrivate,
      setPrivate,
      password,
      setPassword,
      expiry,
      setExpiry,
      date,
      setDate,
      limited,
      setLimited,
      downloads,
      setDownloads,
      shareView,
      setShareView,
      showReadme,
      setShowReadme,
      uploadOnly,
      setUploadOnly,
      capMib,
      setCapMib,
    },
    link,
    busy,
    error,
    submit,
  };
}

export type ShareFields = ReturnType<typeof useShareForm>["fields"];
