// The notification after a task was queued, linking to the tasks page. Notifications are drawn
// outside the router's context, so the link navigates through the router itself.
import { Anchor } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import type { TaskCategory } from "../api/tasks/tasks";
import i18n from "../i18n";
import { appRouter } from "../lib/appRouter";

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
          void appRouter().navigate({ to: "/tasks", search: { category } });
        }}
      >
        {i18n.t("tasks.openTasks")}
      </Anchor>
    ),
  });
}
