// The explorer's "Share" action on one item of my files, registered through the explorer's
// action registry (the shell imports this file before the explorer draws).
import { IconShare } from "@tabler/icons-react";
import { type ActionContext, registerAction } from "../explorer/actions";
import { openShareDialog } from "./shareDialogStore";

const one = (ctx: ActionContext) => ctx.files.length === 1;
// Only the owner shares an item: a recipient browsing it in the owner's drive may not.
const mine = (ctx: ActionContext) => ctx.fs === "my" && ctx.files.every((f) => f.owned !== false);

registerAction({
  id: "share",
  labelKey: "explorer.action.share",
  icon: IconShare,
  order: 12,
  applies: (ctx) => one(ctx) && mine(ctx),
  run: (ctx) => {
    const file = ctx.files[0];
    if (file) openShareDialog(file);
  },
});
