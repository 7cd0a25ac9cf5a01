// The en-US strings only some pages read (the admin console's, the OAuth pages') arrive with
// those pages, not with the first load (see `sectionsApart` in vite.config.ts); their routes
// wait for them. Other languages are loaded whole when chosen, so this is only en-US, which is
// also every language's fallback.
import i18n from "../i18n";

const LOADERS = {
  admin: () => import("../i18n/en-US.json?admin"),
  oauth: () => import("../i18n/en-US.json?oauth"),
};
type Section = keyof typeof LOADERS;

const loading = new Map<Section, Promise<void>>();

function load(section: Section): Promise<void> {
  let done = loading.get(section);
  if (!done) {
    done = LOADERS[section]().then(({ default: strings }) => {
      i18n.addResourceBundle("en-US", "translation", strings, true, false);
    });
    loading.set(section, done);
  }
  return done;
}

/** Route loaders: the sections each page reads. */
export const adminStrings = () => Promise.all([load("admin"), load("oauth")]).then(() => {});
export const oauthStrings = () => load("oauth");
