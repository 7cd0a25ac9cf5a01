import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The server embeds dist/ and serves /assets/* with a one-year cache: every file there carries a
// content hash in its name. `npm run dev` proxies the API to a local `stratus serve`.
export default defineConfig({
  plugins: [react()],
  build: {
    target: "es2022",
    assetsInlineLimit: 0,
    // The explorer's first load is one chunk of its own (below); it is larger than the default
    // warning's 500 kB before compression, on purpose.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // Everything the first page needs (the entry and what it imports statically: the
            // shell and the explorer) in one file: automatic splitting made it some 140 files,
            // so a cold load spent its time on requests and headers, and brotli compressed each
            // small file on its own (346 KB, against 283 KB as one). Lazy pages and viewers
            // keep their own chunks.
            { name: "app", tags: ["$initial"] },
          ],
        },
      },
    },
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
