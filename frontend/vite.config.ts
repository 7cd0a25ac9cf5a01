import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

const EN_US = fileURLToPath(new URL("./src/i18n/en-US.json", import.meta.url));

/**
 * en-US is bundled with the first load (src/i18n/index.ts) but for the sections only other pages
 * read: `admin` (10 KB of its 18 KB compressed) and `oauth` (2 KB). Their routes load each as a
 * chunk of its own (`en-US.json?admin`, see src/app/pageStrings.ts). The file stays one file;
 * Vitest's checks read it whole.
 */
const SECTIONS_APART = ["admin", "oauth"];

function sectionsApart(): Plugin {
  return {
    name: "stratus:en-us-sections-apart",
    enforce: "pre",
    apply: () => !process.env.VITEST,
    load(id) {
      const [path, query] = id.split("?");
      if (path !== EN_US) return;
      const strings = JSON.parse(readFileSync(EN_US, "utf8"));
      // With a query the id no longer ends in .json: a section is served as a module.
      if (query) return `export default ${JSON.stringify({ [query]: strings[query] })};`;
      for (const section of SECTIONS_APART) delete strings[section];
      return JSON.stringify(strings);
    },
  };
}

export default defineConfig({
  plugins: [sectionsApart(), react()],
  resolve: {
    alias: {
      // The notifications' container alone (src/app/main.tsx loads it after the first paint):
      // the package's index, which the app imports for `notifications.show`, would bring it
      // into the first load. The package exports no such path; the alias names its file.
      "@mantine/notifications/container": fileURLToPath(
        new URL("./node_modules/@mantine/notifications/esm/Notifications.mjs", import.meta.url),
      ),
    },
  },
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
