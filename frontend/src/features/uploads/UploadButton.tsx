// The toolbar's upload menu: files or a whole folder, each through a hidden file input.
import { Button, Menu } from "@mantine/core";
import { IconChevronDown, IconFile, IconFolder, IconUpload } from "@tabler/icons-react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { fromInput, type Picked } from "./pick";
import { startUpload } from "./start";

type Props = { folder: string; policyId?: string };

export function UploadButton({ folder, policyId }: Props) {
  const { t } = useTranslation();
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
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button
            leftSection={<IconUpload size={16} />}
            rightSection={<IconChevronDown size={14} />}
            disabled={!policyId}
          >
            {t("transfer.upload")}
          </Button>
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
