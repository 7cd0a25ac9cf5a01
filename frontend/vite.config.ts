import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The server embeds dist/ and serves /assets/* with a one-year cache: every file there carries a
// content hash in its name. `npm run dev` proxies the API to a local `stratus serve`.
export default defineConfig({
  plugins: [react()],
  build: {
    target: "es2022",
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: {
      "/api": "http://127.0.0.1:5212",
      "/s/": "http://127.0.0.1:5212",
      "/manifest.json": "http://127.0.0.1:5212",
    },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
