// An icon button that copies `value`, says so in its tooltip and turns teal for a moment.
import { ActionIcon, type ActionIconProps, CopyButton, Tooltip } from "@mantine/core";
import { IconCheck, IconCopy } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";

export function CopyIcon({
  value,
  label,
  tooltip = label,
  ...props
}: ActionIconProps & {
  value: string;
  /** The button's spoken name. */
  label: string;
  /** The tooltip before copying, when it should be shorter than `label`. */
  tooltip?: string;
}) {
  const { t } = useTranslation();
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? t("share.copied") : tooltip}>
          <ActionIcon
            {...props}
            aria-label={label}
            onClick={copy}
            color={copied ? "teal" : props.color}
          >
            {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
          </ActionIcon>
        </Tooltip>
      )}
    </CopyButton>
  );
}
