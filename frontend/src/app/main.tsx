// Entry point: styles, translations, then the providers around the router.
import "./styles";
import { QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "@tanstack/react-router";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { queryClient } from "../api/queryClient";
import { ErrorBoundary } from "../components/ErrorBoundary";
import { initI18n } from "../i18n";
import { adoptEarlyListing } from "./earlyListing";
import { NotificationsSeam } from "./NotificationsSeam";
import { router } from "./router";
import { UserThemeProvider } from "./UserThemeProvider";

adoptEarlyListing();
await initI18n();

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <UserThemeProvider>
        <NotificationsSeam />
        <QueryClientProvider client={queryClient}>
          <ErrorBoundary>
            <RouterProvider router={router} />
          </ErrorBoundary>
        </QueryClientProvider>
      </UserThemeProvider>
    </StrictMode>,
  );
}
