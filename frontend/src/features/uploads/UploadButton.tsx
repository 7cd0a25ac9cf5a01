// The toolbar's upload menu: files or a whole folder, each through a hidden file input. On a
// phone the menu opens from a round floating button, large enough for a thumb (the toolbar puts
// it at the bottom right).
import { ActionIcon, Button, Menu } from "@mantine/core";
import { IconChevronDown, IconFile, IconFolder, IconUpload } from "@tabler/icons-react";
import { forwardRef, useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { useIsPhone } from "../../lib/phone";
import { fromInput, type Picked } from "./pick";
import { startUpload } from "./start";

type Props = { folder: string; policyId?: string };

export function UploadButton({ folder, policyId }: Props) {
  const { t } = useTranslation();
  const phone = useIsPhone();
  const files = useRef<HTMLInputElement>(null);
  const dir = useRef<HTMLInputElement>(null);
  // Files picked before the folder's storage policy is known (the listing still loading) wait
  // for it rather than being dropped.
  const waiting = useRef<{ picked: Picked; folder: string } | null>(null);
  useEffect(() => {
    if (!policyId || !waiting.current) return;
    const { picked, folder: target } = waiting.current;
    waiting.current = null;
    if (target === folder) startUpload(picked, folder, policyId);
  }, [policyId, folder]);
  const onChange = (e: React.ChangeEvent<HTMLInputElement>) => {
    const chosen = e.currentTarget.files;
    if (chosen?.length) {
      const picked = fromInput(chosen);
      if (policyId) startUpload(picked, folder, policyId);
      else waiting.current = { picked, folder };
    }
    e.currentTarget.value = "";
  };
  return (
    <>
      <Menu position={phone ? "top-end" : "bottom-end"} withinPortal>
        <Menu.Target>
          <UploadTrigger phone={phone} disabled={!policyId} label={t("transfer.upload")} />
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item leftSection={<IconFile size={16} />} onClick={() => files.current?.click()}>
            {t("transfer.uploadFiles")}
          </Menu.Item>
          <Menu.Item leftSection={<IconFolder size={16} />} onClick={() => dir.current?.click()}>
            {t("transfer.uploadFolder")}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <input
        ref={files}
        type="file"
        multiple
        hidden
        data-testid="upload-input"
        onChange={onChange}
      />
      <input
        ref={dir}
        type="file"
        hidden
        data-testid="upload-folder-input"
        // React knows no `webkitdirectory` prop: an empty string sets the attribute.
        {...{ webkitdirectory: "", directory: "" }}
        onChange={onChange}
      />
    </>
  );
}

type TriggerProps = { phone: boolean; disabled: boolean; label: string };

/** The menu's button: labelled in the toolbar, a round floating one on a phone. */
const UploadTrigger = forwardRef<HTMLButtonElement, TriggerProps>(
  ({ phone, disabled, label, ...menu }, ref) =>
    phone ? (
      <ActionIcon
        ref={ref}
        size={56}
        radius="xl"
        variant="filled"
        aria-label={label}
        disabled={disabled}
        style={{ boxShadow: "var(--mantine-shadow-md)" }}
        {...menu}
      >
        <IconUpload size={24} />
      </ActionIcon>
    ) : (
      <Button
        ref={ref}
        leftSection={<IconUpload size={16} />}
        rightSection={<IconChevronDown size={14} />}
        disabled={disabled}
        {...menu}
      >
        {label}
      </Button>
    ),
);
