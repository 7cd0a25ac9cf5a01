// What the target and task dialogs send: a secret left empty is left out (the saved one stays),
// each type sends only its own settings, and a task's source follows its kind.
import { describe, expect, it } from "vitest";
import { toTargetInput } from "./TargetDialog";
import { toTaskInput } from "./taskForm";

const target = (changes: Partial<Parameters<typeof toTargetInput>[0]>) =>
  toTargetInput({
    type: "local",
    name: " nas ",
    path: " /mnt/backup ",
    server: "",
    bucket: "",
    accessKey: "",
    secretKey: "",
    region: "",
    pathStyle: false,
    nodeId: "",
    ...changes,
  });

describe("toTargetInput", () => {
  it("sends a local target's folder alone", () => {
    expect(target({})).toEqual({ name: "nas", type: "local", settings: { path: "/mnt/backup" } });
  });

  it("leaves an empty secret out, so an edit keeps the saved one", () => {
    const s3 = { type: "s3" as const, bucket: "b", accessKey: "k", region: "r", pathStyle: true };
    expect(target(s3).settings).toEqual({
      server: "",
      bucket_name: "b",
      access_key: "k",
      region: "r",
      s3_path_style: true,
    });
    expect(target({ ...s3, secretKey: "s" }).settings).toMatchObject({ secret_key: "s" });
  });

  it("sends a remote target's node as a number", () => {
    expect(target({ type: "remote", nodeId: "3" }).settings).toEqual({ node_id: 3 });
  });
});

const task = (changes: Partial<Parameters<typeof toTaskInput>[0]>) =>
  toTaskInput({
    name: "docs",
    kind: "instance",
    targetId: "2",
    userIds: [4, 5],
    userId: 4,
    uri: " cloudreve://my/Docs ",
    schedule: " @daily ",
    keepLast: 7,
    keepDays: 0,
    enabled: true,
    ...changes,
  });

describe("toTaskInput", () => {
  it("gives each kind its source", () => {
    expect(task({}).source).toEqual({});
    expect(task({ kind: "users" }).source).toEqual({ user_ids: [4, 5] });
    expect(task({ kind: "folder" }).source).toEqual({ user_id: 4, uri: "cloudreve://my/Docs" });
  });

  it("sends the schedule trimmed and the target as a number", () => {
    expect(task({})).toMatchObject({ schedule: "@daily", target_id: 2, keep_last: 7 });
    expect(task({ schedule: "  " }).schedule).toBe("");
  });
});
