// An S3 or OSS policy's bucket: the endpoint (and OSS's internal one), bucket, region, keys (the
// secret write-only: left empty on an edit, the stored one stays) and the per-type switches.
import { Group, PasswordInput, Switch, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { PolicyFormState } from "./usePolicyForm";

export function PolicyBucketFields(props: { state: PolicyFormState; editing: boolean }) {
  const { t } = useTranslation();
  const { form, text } = props.state;
  const { editing } = props;
  const oss = form.type === "oss";
  return (
    <>
      <TextInput
        label={t("admin.policies.server")}
        description={t(oss ? "admin.policies.ossServerHint" : "admin.policies.serverHint")}
        placeholder={oss ? "oss-cn-hangzhou.aliyuncs.com" : "https://s3.example.com"}
        required={oss}
        {...text("server")}
      />
      {oss && (
        <TextInput
          label={t("admin.policies.internalEndpoint")}
          description={t("admin.policies.internalEndpointHint")}
          placeholder="oss-cn-hangzhou-internal.aliyuncs.com"
          {...text("internalEndpoint")}
        />
      )}
      <Group grow align="flex-start">
        <TextInput label={t("admin.policies.bucket")} required {...text("bucket")} />
        <TextInput label={t("admin.policies.region")} {...text("region")} />
      </Group>
      <TextInput
        label={t("admin.policies.accessKey")}
        required
        autoComplete="off"
        {...text("accessKey")}
      />
      <PasswordInput
        label={t("admin.policies.secretKey")}
        required={!editing}
        description={editing ? t("admin.policies.secretKeep") : undefined}
        autoComplete="new-password"
        {...text("secretKey")}
      />
      <BucketSwitches state={props.state} />
    </>
  );
}

function BucketSwitches(props: { state: PolicyFormState }) {
  const { t } = useTranslation();
  const { form, set } = props.state;
  return (
    <>
      {form.type === "s3" ? (
        <Switch
          label={t("admin.policies.pathStyle")}
          description={t("admin.policies.pathStyleHint")}
          checked={form.pathStyle}
          onChange={(e) => set("pathStyle", e.currentTarget.checked)}
        />
      ) : (
        <Switch
          label={t("admin.policies.useCname")}
          description={t("admin.policies.useCnameHint")}
          checked={form.useCname}
          onChange={(e) => set("useCname", e.currentTarget.checked)}
        />
      )}
      <Switch
        label={t("admin.policies.private")}
        checked={form.isPrivate}
        onChange={(e) => set("isPrivate", e.currentTarget.checked)}
      />
    </>
  );
}
