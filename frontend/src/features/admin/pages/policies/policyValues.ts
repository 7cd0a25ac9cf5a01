// A storage policy's form values: their starting point per type, the checks before saving, and
// the policy as the server takes it. The secret key is write-only: left empty on an edit, the
// stored one stays.
import { concurrencyProblem, initialRules, type RuleFields, ruleSettings } from "./PolicyRules";
import type { Policy, PolicyInput } from "./policiesApi";

export type PolicyType = "local" | "s3" | "oss" | "remote";

export const TYPES: PolicyType[] = ["local", "s3", "oss", "remote"];
export const BUCKETS: PolicyType[] = ["s3", "oss"];

export type Form = RuleFields & {
  type: PolicyType;
  name: string;
  maxSize: string;
  dirRule: string;
  fileRule: string;
  server: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
  region: string;
  pathStyle: boolean;
  isPrivate: boolean;
  nodeId: string;
  internalEndpoint: string;
  useCname: boolean;
};

function settingString(p: Policy | undefined, key: string): string {
  const v = (p?.settings as Record<string, unknown> | undefined)?.[key];
  return typeof v === "string" ? v : "";
}

export function initialForm(type: PolicyType, p?: Policy): Form {
  const settings = p?.settings as Record<string, unknown> | undefined;
  return {
    type,
    name: p?.name ?? "",
    maxSize: String(p?.max_size ?? 0),
    dirRule: p?.dir_name_rule ?? (type === "remote" ? "uploads/{uid}/{path}" : "{uid}/{path}"),
    fileRule: p?.file_name_rule ?? "{uid}_{randomkey8}_{originname}",
    server: p?.server ?? "",
    bucket: p?.bucket_name ?? "",
    accessKey: p?.access_key ?? "",
    secretKey: "",
    region: settingString(p, "region") || (p ? "" : "us-east-1"),
    pathStyle: settings?.s3_path_style === true,
    isPrivate: p?.is_private ?? true,
    nodeId: p?.node_id ? String(p.node_id) : "",
    internalEndpoint: settingString(p, "server_side_endpoint"),
    useCname: settings?.use_cname === true,
    ...initialRules(settings),
  };
}

/** The policy as the server takes it, with its upload rules; the edited policy's other
 * settings are kept. */
export function toInput(f: Form, editing?: Policy): PolicyInput {
  const input = typeInput(f, editing);
  return { ...input, settings: { ...(input.settings as object), ...ruleSettings(f) } };
}

function typeInput(f: Form, editing?: Policy): PolicyInput {
  const base: PolicyInput = {
    name: f.name.trim(),
    type: f.type,
    max_size: Number(f.maxSize.trim() || "0"),
    dir_name_rule: f.dirRule,
    file_name_rule: f.fileRule,
  };
  const kept = { ...((editing?.settings as object) ?? {}) };
  if (f.type === "local") return { ...base, settings: kept };
  if (f.type === "remote") return { ...base, node_id: Number(f.nodeId), settings: kept };
  const bucket = {
    ...base,
    server: f.server.trim(),
    bucket_name: f.bucket.trim(),
    access_key: f.accessKey.trim(),
    secret_key: f.secretKey,
    is_private: f.isPrivate,
    settings: { ...kept, region: f.region.trim() },
  };
  if (f.type === "s3")
    return { ...bucket, settings: { ...bucket.settings, s3_path_style: f.pathStyle } };
  return {
    ...bucket,
    settings: {
      ...bucket.settings,
      server_side_endpoint: f.internalEndpoint.trim(),
      use_cname: f.useCname,
    },
  };
}

export type Problems = Partial<Record<keyof Form, string>>;

export function checkForm(f: Form, editing: boolean, t: (k: string) => string): Problems {
  const p: Problems = {};
  if (!f.name.trim()) p.name = t("admin.policies.invalid.name");
  if (!/^\d+$/.test(f.maxSize.trim() || "0")) p.maxSize = t("admin.policies.invalid.maxSize");
  if (!f.fileRule.trim()) p.fileRule = t("admin.policies.invalid.fileRule");
  if (concurrencyProblem(f)) p.chunkConcurrency = t("policyRules.invalidConcurrency");
  if (f.type === "remote" && !f.nodeId) p.nodeId = t("admin.policies.invalid.node");
  if (f.type === "oss" && !f.server.trim()) p.server = t("admin.policies.invalid.ossServer");
  if (BUCKETS.includes(f.type)) {
    if (!f.bucket.trim()) p.bucket = t("admin.policies.invalid.bucket");
    if (!f.accessKey.trim()) p.accessKey = t("admin.policies.invalid.accessKey");
    if (!editing && !f.secretKey) p.secretKey = t("admin.policies.invalid.secretKey");
    if (f.server.trim()) {
      try {
        // OSS lists its endpoints without a scheme; HTTPS is meant.
        const given = f.server.trim();
        const u = new URL(f.type === "oss" && !given.includes("://") ? `https://${given}` : given);
        if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
      } catch {
        p.server = t("admin.policies.invalid.server");
      }
    }
  }
  return p;
}
