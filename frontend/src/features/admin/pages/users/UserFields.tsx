// The account form's sections: who it is (e-mail, nick, group, status, password), its storage
// against the group's quota with a recount, and the switch that turns its 2FA off on saving.
import {
  Alert,
  Button,
  Group,
  PasswordInput,
  Progress,
  Select,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { useTranslation } from "react-i18next";
import { formatBytes } from "../../../../lib/format";
import type { AdminGroup, AdminUser } from "../../api";
import { USER_STATUSES } from "./usersApi";
import type { UserForm } from "./useUserForm";

export function UserIdentity(props: { form: UserForm; isNew: boolean; groups: AdminGroup[] }) {
  const { t } = useTranslation();
  const { form, isNew } = props;
  const { values, set } = form;
  return (
    <>
      <TextInput
        label={t("admin.users.email")}
        value={values.email}
        onChange={(e) => set("email", e.currentTarget.value)}
        error={form.emailError}
        required
        data-autofocus
      />
      <TextInput
        label={t("admin.users.nick")}
        value={values.nick}
        onChange={(e) => set("nick", e.currentTarget.value)}
        maxLength={100}
      />
      <Group grow align="flex-start">
        <Select
          label={t("admin.users.group")}
          data={props.groups.map((g) => ({ value: String(g.id), label: g.name }))}
          value={values.group || null}
          onChange={(value) => set("group", value ?? "")}
          placeholder={isNew ? t("admin.users.defaultGroup") : undefined}
          clearable={isNew}
          allowDeselect={isNew}
        />
        <Select
          label={t("admin.users.status")}
          data={USER_STATUSES.map((s) => ({ value: s, label: t(`admin.users.statuses.${s}`) }))}
          value={values.status}
          onChange={(value) => value && set("status", value)}
          allowDeselect={false}
        />
      </Group>
      <PasswordInput
        label={isNew ? t("admin.users.password") : t("admin.users.newPassword")}
        description={isNew ? undefined : t("admin.users.newPasswordHint")}
        value={values.password}
        onChange={(e) => set("password", e.currentTarget.value)}
        error={form.passwordError}
        required={isNew}
        autoComplete="new-password"
      />
    </>
  );
}

export function UserQuota(props: {
  capacity: NonNullable<AdminUser["capacity"]>;
  onRecount: () => void;
}) {
  const { t } = useTranslation();
  const { capacity } = props;
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {t("admin.users.quota")}
      </Text>
      <Text size="sm" c="dimmed">
        {t("admin.users.quotaUsed", {
          used: formatBytes(capacity.used),
          total: formatBytes(capacity.total),
        })}
      </Text>
      <Progress
        aria-label={t("admin.users.quota")}
        value={capacity.total ? Math.min(100, (capacity.used / capacity.total) * 100) : 0}
        size="sm"
      />
      <Group>
        <Button size="xs" variant="default" onClick={props.onRecount}>
          {t("admin.users.recount")}
        </Button>
      </Group>
    </Stack>
  );
}

export function UserTwoFa({ form }: { form: UserForm }) {
  const { t } = useTranslation();
  const off = form.values.disableTwoFa;
  return (
    <Alert color={off ? "orange" : "gray"} title={t("admin.users.twoFa")}>
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{off ? t("admin.users.twoFaWillBeOff") : t("admin.users.twoFaOn")}</Text>
        <Button
          size="xs"
          variant="default"
          onClick={() => form.set("disableTwoFa", !off)}
          aria-pressed={off}
        >
          {off ? t("admin.users.twoFaKeep") : t("admin.users.twoFaOff")}
        </Button>
      </Stack>
    </Alert>
  );
}
