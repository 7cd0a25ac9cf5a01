// "Test a login" on the directory tab: what the saved directory settings find for a login (its
// entry, e-mail, name, groups and the Stratus group they map to), or why the directory could
// not answer. No password is checked.
import { Alert, Button, Code, Group, Stack, Table, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../../../api/client";
import { errorMessage } from "../../../../lib/errors";
import { testDirectory } from "./settingsApi";

type Result = Schemas["AdminDirectoryTest"];

export function DirectoryTest() {
  const { t } = useTranslation();
  const [login, setLogin] = useState("");
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  async function run() {
    setBusy(true);
    setResult(null);
    setFailure(null);
    try {
      setResult(await testDirectory(login.trim()));
    } catch (e) {
      setFailure(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  const rows: [string, string | null | undefined][] = result
    ? [
        ["dn", result.dn],
        ["subject", result.subject],
        ["email", result.email],
        ["name", result.name],
        ["groups", result.groups.join("\n")],
        ["group", result.group_id == null ? null : String(result.group_id)],
      ]
    : [];
  return (
    <Stack gap="sm">
      <Title order={3} size="h5">
        {t("admin.settings.ldapTest.title")}
      </Title>
      <Group align="flex-end" wrap="wrap">
        <TextInput
          label={t("admin.settings.ldapTest.login")}
          description={t("admin.settings.ldapTest.hint")}
          value={login}
          onChange={(e) => setLogin(e.currentTarget.value)}
          style={{ flex: 1, minWidth: 220 }}
        />
        <Button variant="light" loading={busy} disabled={!login.trim()} onClick={() => void run()}>
          {t("admin.settings.ldapTest.run")}
        </Button>
      </Group>
      {failure && (
        <Alert color="red" role="alert" style={{ wordBreak: "break-word" }}>
          {failure}
        </Alert>
      )}
      {result && !result.found && (
        <Alert color="yellow" role="status">
          {t("admin.settings.ldapTest.notFound")}
        </Alert>
      )}
      {result?.found && (
        <Table withTableBorder aria-label={t("admin.settings.ldapTest.title")}>
          <Table.Tbody>
            {rows.map(([key, value]) => (
              <Table.Tr key={key}>
                <Table.Th w={120}>{t(`admin.settings.ldapTest.${key}` as never)}</Table.Th>
                <Table.Td style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
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
