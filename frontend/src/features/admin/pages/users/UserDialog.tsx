// Create or edit one account: e-mail, nick, group, status, a new password; for an existing
// account also its storage against the group's quota (with a recount), its snapshots (with
// delete) and turning 2FA off.
import {
  Alert,
  Button,
  Group,
  Modal,
  PasswordInput,
  Progress,
  Select,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { AnchorLink } from "../../../../components/links";
import { formatBytes } from "../../../../lib/format";
import type { AdminGroup, AdminUser } from "../../api";
import { adminErrorMessage } from "../../errors";
import { UserSnapshots } from "./UserSnapshots";
import { calibrateUser, createUser, saveUser, USER_STATUSES } from "./usersApi";

type Props = {
  /** null: a new account. */
  user: AdminUser | null;
  groups: AdminGroup[];
  onClose: () => void;
  onSaved: () => void;
};

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function UserDialog({ user, groups, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState(user);
  const [email, setEmail] = useState(user?.email ?? "");
  const [nick, setNick] = useState(user?.nick ?? "");
  const [group, setGroup] = useState(user ? String(user.group_users) : "");
  const [status, setStatus] = useState(user?.status ?? "active");
  const [password, setPassword] = useState("");
  const [disableTwoFa, setDisableTwoFa] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [checked, setChecked] = useState(false);

  const emailError = checked && !EMAIL.test(email.trim()) ? t("admin.users.emailInvalid") : null;
  const passwordNeeded = !user;
  const passwordError =
    checked && (password || passwordNeeded) && (password.length < 6 || password.length > 128)
      ? t("admin.users.passwordLength")
      : null;

  const submit = async () => {
    setChecked(true);
    if (!EMAIL.test(email.trim())) return;
    if ((password || passwordNeeded) && (password.length < 6 || password.length > 128)) return;
    setBusy(true);
    setError(null);
    try {
      if (current) {
        await saveUser(current, {
          email: email.trim(),
          nick,
          status,
          group: Number(group),
          password: password || undefined,
          disableTwoFa,
        });
      } else {
        await createUser({
          email: email.trim(),
          nick: nick || email.trim().split("@")[0] || "",
          password,
          status,
          group: Number(group) || 0,
        });
      }
      notifications.show({ color: "green", message: t("admin.users.saved") });
      onSaved();
      onClose();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  const recount = async () => {
    if (!current) return;
    try {
      const fresh = await calibrateUser(current.id);
      setCurrent(fresh);
      notifications.show({
        color: "green",
        message: t("admin.users.recounted", { used: formatBytes(fresh.storage) }),
      });
      onSaved();
    } catch (e) {
      setError(e);
    }
  };

  const capacity = current?.capacity;
  return (
    <Modal
      opened
      onClose={onClose}
      title={
        current ? t("admin.users.editTitle", { name: current.email }) : t("admin.users.create")
      }
      size="lg"
      centered
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
        noValidate
      >
        <Stack gap="sm">
          <TextInput
            label={t("admin.users.email")}
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={emailError}
            required
            data-autofocus
          />
          <TextInput
            label={t("admin.users.nick")}
            value={nick}
            onChange={(e) => setNick(e.currentTarget.value)}
            maxLength={100}
          />
          <Group grow align="flex-start">
            <Select
              label={t("admin.users.group")}
              data={groups.map((g) => ({ value: String(g.id), label: g.name }))}
              value={group || null}
              onChange={(value) => setGroup(value ?? "")}
              placeholder={user ? undefined : t("admin.users.defaultGroup")}
              clearable={!user}
              allowDeselect={!user}
            />
            <Select
              label={t("admin.users.status")}
              data={USER_STATUSES.map((s) => ({ value: s, label: t(`admin.users.statuses.${s}`) }))}
              value={status}
              onChange={(value) => value && setStatus(value)}
              allowDeselect={false}
            />
          </Group>
          <PasswordInput
            label={user ? t("admin.users.newPassword") : t("admin.users.password")}
            description={user ? t("admin.users.newPasswordHint") : undefined}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={passwordError}
            required={!user}
            autoComplete="new-password"
          />
          {current && capacity && (
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
                <Button size="xs" variant="default" onClick={recount}>
                  {t("admin.users.recount")}
                </Button>
              </Group>
            </Stack>
          )}
          {current && <UserSnapshots userId={current.id} />}
          {current?.two_fa_enabled && (
            <Alert color={disableTwoFa ? "orange" : "gray"} title={t("admin.users.twoFa")}>
              <Stack gap="xs" align="flex-start">
                <Text size="sm">
                  {disableTwoFa ? t("admin.users.twoFaWillBeOff") : t("admin.users.twoFaOn")}
                </Text>
                <Button
                  size="xs"
                  variant="default"
                  onClick={() => setDisableTwoFa((v) => !v)}
                  aria-pressed={disableTwoFa}
                >
                  {disableTwoFa ? t("admin.users.twoFaKeep") : t("admin.users.twoFaOff")}
                </Button>
              </Stack>
            </Alert>
          )}
          {current && (
            <AnchorLink
              to="/admin/$"
              params={{ _splat: "events" }}
              search={{ event_user_id: current.id }}
              size="sm"
              onClick={onClose}
            >
              {t("admin.users.auditLog")}
            </AnchorLink>
          )}
          {error !== null && (
            <Alert color="red" role="alert" title={t("admin.refused")}>
              {adminErrorMessage(error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" loading={busy}>
              {current ? t("admin.save") : t("admin.users.create")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
