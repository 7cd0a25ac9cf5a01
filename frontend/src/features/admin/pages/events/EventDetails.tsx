// One event in full: when, what, who (with their hashed id), from where and with what browser,
// its correlation id, and its content field by field (content.ts).
import { Modal, Stack, Table, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { formatDate } from "../../../../lib/format";
import type { AdminEvent } from "../../api";
import { contentFields } from "./content";
import { eventTypeName } from "./eventColumns";

export function EventDetails({ event, onClose }: { event: AdminEvent; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const user = event.user_id
    ? `${event.edges.user?.email ?? ""} (#${event.user_id}${event.user_hash_id ? `, ${event.user_hash_id}` : ""})`
    : t("admin.events.nobody");
  return (
    <Modal
      opened
      onClose={onClose}
      title={t("admin.events.detailsTitle", { id: event.id })}
      size="lg"
      centered
    >
      <Stack gap="sm">
        <Table variant="vertical" withTableBorder>
          <Table.Tbody>
            <Detail
              label={t("admin.events.time")}
              value={formatDate(event.created_at, i18n.language)}
            />
            <Detail
              label={t("admin.events.type")}
              value={`${eventTypeName(t, event.type)} (${event.type})`}
            />
            <Detail label={t("admin.events.user")} value={user} />
            <Detail label={t("admin.events.ip")} value={event.ip ?? ""} />
            <Detail label={t("admin.events.userAgent")} value={event.user_agent ?? ""} />
            <Detail label={t("admin.events.correlation")} value={event.correlation_id ?? ""} />
          </Table.Tbody>
        </Table>
        <Text size="sm" fw={500}>
          {t("admin.events.content")}
        </Text>
        <Content content={event.content} />
      </Stack>
    </Modal>
  );
}

function Detail({ label, value }: { label: string; value: string }) {
  return (
    <Table.Tr>
      <Table.Th w={160}>{label}</Table.Th>
      <Table.Td style={{ wordBreak: "break-all" }}>{value}</Table.Td>
    </Table.Tr>
  );
}

/** The content's fields in a table of their own; a dash when it has none. */
function Content({ content }: { content: unknown }) {
  const { t } = useTranslation();
  const fields = contentFields(content);
  if (fields.length === 0) return <Text size="sm">—</Text>;
  return (
    <Table
      variant="vertical"
      withTableBorder
      data-testid="event-content"
      aria-label={t("admin.events.content")}
    >
      <Table.Tbody>
        {fields.map((f) => (
          // Each field's key is its path in the content, so no two are the same.
          <Detail key={f.key} label={f.key} value={f.value} />
        ))}
      </Table.Tbody>
    </Table>
  );
}
