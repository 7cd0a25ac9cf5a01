// The notification after a task was queued, linking to the tasks page. Notifications are drawn
// outside the router's context, so the link navigates through the router itself.
import { Anchor } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import i18n from "../i18n";
import { router } from "../router";
import type { TaskCategory } from "./types";

export function notifyQueued(message: string, category: TaskCategory = "general") {
  notifications.show({
    color: "teal",
    title: message,
    message: (
      <Anchor
        href={`/tasks?category=${category}`}
        size="sm"
        onClick={(event) => {
          event.preventDefault();
          void router.navigate({ to: "/tasks", search: { category } });
        }}
      >
        {i18n.t("tasks.openTasks")}
      </Anchor>
    ),
  });
}
