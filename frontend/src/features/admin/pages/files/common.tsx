// What the files, blobs and shares tables share: the owner as a link to the users page filtered
// to them, downloads through the admin URL routes, and the policy filter's choices.
import { ActionIcon, Text, Tooltip } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconDownload } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { AnchorLink } from "../../../../components/links";
import { errorMessage } from "../../../../lib/errors";
import { usePolicies } from "../policies/policiesApi";

type Owner = { id: number; email: string; nick: string } | undefined;

/** The owner's name, opening the users page filtered to their e-mail. */
export function OwnerLink({ owner, fallbackId }: { owner: Owner; fallbackId?: number | null }) {
  const { t } = useTranslation();
  if (!owner) {
    return (
      <Text size="sm" c="dimmed">
        {fallbackId ? `#${fallbackId}` : t("admin.files.noOwner")}
      </Text>
    );
  }
  return (
    <AnchorLink
      to="/admin/$"
      params={{ _splat: "users" }}
      search={{ user_email: owner.email } as never}
      size="sm"
      title={t("admin.files.openOwner", { name: owner.email })}
    >
      {owner.nick || owner.email}
    </AnchorLink>
  );
}

/** A button that asks the server for an admin download URL and opens it. */
export function DownloadButton({ label, url }: { label: string; url: () => Promise<string> }) {
  const { t } = useTranslation();
  return (
    <Tooltip label={t("admin.files.download")}>
      <ActionIcon
        variant="subtle"
        aria-label={label}
        onClick={async () => {
          try {
            const target = await url();
            window.open(target, "_blank", "noopener");
          } catch (e) {
            notifications.show({ color: "red", message: errorMessage(e) });
          }
        }}
      >
        <IconDownload size={18} />
      </ActionIcon>
    </Tooltip>
  );
}

/** The storage policies as filter choices, by id. */
export function usePolicyOptions() {
  const policies = usePolicies();
  return (policies.data ?? []).map((p) => ({ value: String(p.id), label: p.name }));
}

export function PolicyName({ id }: { id: number | null | undefined }) {
  const policies = usePolicies();
  const name = policies.data?.find((p) => p.id === id)?.name;
  return <Text size="sm">{name ?? (id ? `#${id}` : "–")}</Text>;
}
