// "Test discovery" on a provider's card: what the saved provider's discovery document says (its
// issuer and endpoints), read now through the outbound guard, or why it cannot be read.
import { Alert, Button, Code, Stack, Table, Text } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../../../api/client";
import { errorMessage } from "../../../../lib/errors";
import { testProvider } from "./settingsApi";

type Result = Schemas["AdminProviderTest"];

export function ProviderTest({ id }: { id: string }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  async function run() {
    setBusy(true);
    setResult(null);
    setFailure(null);
    try {
      setResult(await testProvider(id));
    } catch (e) {
      setFailure(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }
  const rows: [string, string | null | undefined][] = result
    ? [
        ["issuer", result.issuer],
        ["authorization", result.authorization_endpoint],
        ["token", result.token_endpoint],
        ["jwks", result.jwks_uri],
        ["userinfo", result.userinfo_endpoint],
      ]
    : [];
  return (
    <Stack gap="xs">
      <Text size="xs" c="dimmed">
        {t("admin.settings.oidcTest.hint")}
      </Text>
      <Button
        variant="light"
        size="xs"
        style={{ alignSelf: "flex-start" }}
        loading={busy}
        disabled={!id}
        onClick={() => void run()}
      >
        {t("admin.settings.oidcTest.run")}
      </Button>
      {failure && (
        <Alert color="red" role="alert" style={{ wordBreak: "break-word" }}>
          {failure}
        </Alert>
      )}
      {result && (
        <Table withTableBorder aria-label={t("admin.settings.oidcTest.result")}>
          <Table.Tbody>
            {rows.map(([key, value]) => (
              <Table.Tr key={key}>
                <Table.Th w={120}>{t(`admin.settings.oidcTest.${key}` as never)}</Table.Th>
                <Table.Td style={{ overflowWrap: "anywhere" }}>
                  {value ? <Code>{value}</Code> : "—"}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
