// The policy dialog's state: the form, its problems, and the save. Saving runs the server's
// storage test (a test object written, read and deleted): a failure is kept as the server said
// it, and nothing is saved.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../../../api/client";
import { errorMessage } from "../../../../lib/errors";
import { useAllNodes } from "../nodes/nodesApi";
import { createPolicy, POLICIES_QUERY, type Policy, updatePolicy } from "./policiesApi";
import {
  checkForm,
  type Form,
  initialForm,
  type PolicyType,
  type Problems,
  toInput,
} from "./policyValues";

export function usePolicyForm(props: { editing?: Policy; onClose: () => void }) {
  const { t } = useTranslation();
  const tk = t as unknown as (k: string) => string;
  const { editing, onClose } = props;
  const queryClient = useQueryClient();
  const [form, setForm] = useState<Form>(() =>
    initialForm((editing?.type as PolicyType) ?? "local", editing),
  );
  const [problems, setProblems] = useState<Problems>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const failureRef = useRef<HTMLDivElement>(null);
  // The refusal sits under a long form: bring it into view when it comes.
  useEffect(() => {
    if (failure) failureRef.current?.scrollIntoView({ block: "nearest" });
  }, [failure]);

  const nodes = useAllNodes();
  const nodeChoices = (nodes.data ?? [])
    .filter((n) => n.type === "slave")
    .map((n) => ({ value: String(n.id), label: `${n.name} (${n.server})` }));
  const changeType = (type: PolicyType) =>
    setForm((f) => {
      const fresh = initialForm(f.type);
      // A rule still at the old type's default takes the new type's.
      const dirRule = f.dirRule === fresh.dirRule ? initialForm(type).dirRule : f.dirRule;
      return { ...f, type, dirRule };
    });

  const set = <K extends keyof Form>(key: K, value: Form[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setProblems(({ [key]: _, ...rest }) => rest);
  };
  const text = (key: keyof Form) => ({
    value: form[key] as string,
    error: problems[key],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => set(key, e.currentTarget.value),
  });

  async function save() {
    const found = checkForm(form, !!editing, tk);
    setProblems(found);
    setFailure(null);
    if (Object.keys(found).length > 0) return;
    setSaving(true);
    try {
      const input = toInput(form, editing);
      if (editing) await updatePolicy(editing.id, input);
      else await createPolicy(input);
      await queryClient.invalidateQueries({ queryKey: POLICIES_QUERY });
      onClose();
    } catch (e) {
      // The server's words, as it said them: they name the field or the storage's refusal.
      setFailure(e instanceof ApiError && e.message ? e.message : errorMessage(e));
    } finally {
      setSaving(false);
    }
  }

  const fields = { form, problems, set, text, changeType, nodes, nodeChoices };
  return { ...fields, failure, failureRef, saving, save };
}

export type PolicyFormState = ReturnType<typeof usePolicyForm>;
