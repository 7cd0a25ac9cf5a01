// An account's form: its fields, the e-mail and password checks (shown once a save was tried),
// the save (create or edit) and the storage recount, which updates the account shown.
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { formatBytes } from "../../../../lib/format";
import type { AdminUser } from "../../api";
import { calibrateUser, createUser, saveUser } from "./usersApi";

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export type UserValues = {
  email: string;
  nick: string;
  group: string;
  status: string;
  password: string;
  disableTwoFa: boolean;
};

export function useUserForm(props: {
  user: AdminUser | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const { user } = props;
  const [current, setCurrent] = useState(user);
  const [values, setValues] = useState<UserValues>({
    email: user?.email ?? "",
    nick: user?.nick ?? "",
    group: user ? String(user.group_users) : "",
    status: user?.status ?? "active",
    password: "",
    disableTwoFa: false,
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [checked, setChecked] = useState(false);
  const set = <K extends keyof UserValues>(key: K, value: UserValues[K]) =>
    setValues((v) => ({ ...v, [key]: value }));

  const { email, password } = values;
  const emailBad = !EMAIL.test(email.trim());
  const passwordBad = !!(password || !user) && (password.length < 6 || password.length > 128);
  const emailError = checked && emailBad ? t("admin.users.emailInvalid") : null;
  const passwordError = checked && passwordBad ? t("admin.users.passwordLength") : null;

  const submit = async () => {
    setChecked(true);
    if (emailBad || passwordBad) return;
    setBusy(true);
    setError(null);
    try {
      await store(current, values);
      notifications.show({ color: "green", message: t("admin.users.saved") });
      props.onSaved();
      props.onClose();
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
      props.onSaved();
    } catch (e) {
      setError(e);
    }
  };

  return { current, values, set, emailError, passwordError, busy, error, submit, recount };
}

export type UserForm = ReturnType<typeof useUserForm>;

/** Saves an existing account, or creates one (its nick defaulting to the e-mail's name). */
async function store(current: AdminUser | null, v: UserValues) {
  const email = v.email.trim();
  if (current) {
    await saveUser(current, {
      email,
      nick: v.nick,
      status: v.status,
      group: Number(v.group),
      password: v.password || undefined,
      disableTwoFa: v.disableTwoFa,
    });
  } else {
    await createUser({
      email,
      nick: v.nick || email.split("@")[0] || "",
      password: v.password,
      status: v.status,
      group: Number(v.group) || 0,
    });
  }
}
