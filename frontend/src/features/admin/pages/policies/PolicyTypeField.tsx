// The new policy's type: local disk, S3-compatible buckets, Alibaba OSS (its S3-compatible
// interface) or remote (a slave node from the Nodes page), with a line on the chosen one.
import { SegmentedControl, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { type PolicyType, TYPES } from "./policyValues";

export function PolicyTypeField(props: {
  value: PolicyType;
  onChange: (type: PolicyType) => void;
}) {
  const { t } = useTranslation();
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500} id="policy-type-label">
        {t("admin.policies.type")}
      </Text>
      <SegmentedControl
        aria-labelledby="policy-type-label"
        value={props.value}
        onChange={(v) => props.onChange(v as PolicyType)}
        data={TYPES.map((value) => ({
          value,
          label: t(`admin.policies.types.${value}` as const),
        }))}
      />
      <Text size="xs" c="dimmed">
        {t(`admin.policies.typeHint.${props.value}` as const)}
      </Text>
    </Stack>
  );
}
