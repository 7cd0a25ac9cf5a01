// 2FA recovery codes: the set just made, shown this once with copy and download, and the count
// left with a button that makes a new set (confirmed by a code of the authenticator).
import { Alert, Button, Code, Group, SimpleGrid, Stack, Text } from "@mantine/core";
import { IconDownload } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { CopyIcon } from "../../components/CopyIcon";

/** The codes as a text file, one a line. */
function download(codes: string[]) {
  const blob = new Blob([`${codes.join("\n")}\n`], { type: "text/plain" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = "stratus-recovery-codes.txt";
  a.click();
  URL.revokeObjectURL(url);
}

/** A new set of codes; `onDone` when the user says they are kept. */
export function NewRecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm" data-testid="recovery-codes">
      <Alert color="blue" title={t("settings.twoFa.codesTitle")}>
        {t("settings.twoFa.codesIntro")}
      </Alert>
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs" component="ol" p={0} m={0}>
        {codes.map((code) => (
          <Code component="li" key={code} fz="md" ta="center" style={{ listStyle: "none" }}>
            {code}
          </Code>
        ))}
      </SimpleGrid>
      <Group gap="xs">
        <CopyIcon
          value={codes.join("\n")}
          label={t("settings.twoFa.copyCodes")}
          variant="default"
          size="lg"
        />
        <Button
          variant="default"
          leftSection={<IconDownload size={16} />}
          onClick={() => download(codes)}
        >
          {t("settings.twoFa.downloadCodes")}
        </Button>
        <Button onClick={onDone}>{t("settings.twoFa.codesSaved")}</Button>
      </Group>
    </Stack>
  );
}

/** Plural: `settings.twoFa.codesLeft_one` and `_other`, chosen by `count`. */
const CODES_LEFT = "settings.twoFa.codesLeft";

/** How many codes are left, and the way to a new set. */
export function RecoveryCodesLeft({ left, onRenew }: { left: number; onRenew: () => void }) {
  const { t } = useTranslation();
  return (
    <Group gap="sm" justify="space-between">
      <Text size="sm" c={left <= 2 ? "red" : undefined} data-testid="recovery-codes-left">
        {t(CODES_LEFT, { count: left })}
      </Text>
      <Button variant="default" size="xs" onClick={onRenew}>
        {t("settings.twoFa.newCodes")}
      </Button>
    </Group>
  );
}
