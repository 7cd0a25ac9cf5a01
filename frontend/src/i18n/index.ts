// Translations: en-US is bundled (and is the fallback), other languages are loaded when chosen.
// Every string the UI shows goes through `t`; i18n.test.ts fails on a key missing in a language.
import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import enUS from "./en-US.json";

export const LANGUAGES = {
  "en-US": "English",
  "zh-CN": "简体中文",
  "zh-TW": "繁體中文",
  "ja-JP": "日本語",
} as const;
export type Language = keyof typeof LANGUAGES;

const LOADERS: Record<Exclude<Language, "en-US">, () => Promise<{ default: typeof enUS }>> = {
  "zh-CN": () => import("./zh-CN.json"),
  "zh-TW": () => import("./zh-TW.json"),
  "ja-JP": () => import("./ja-JP.json"),
};

const STORAGE_KEY = "stratus.language";

declare module "i18next" {
  interface CustomTypeOptions {
    resources: { translation: typeof enUS };
  }
}

function isLanguage(value: string | null | undefined): value is Language {
  return !!value && value in LANGUAGES;
}

/**
 * Chinese is told apart by script, not only by region: Traditional for zh-Hant, Taiwan, Hong Kong
 * and Macau, Simplified for everything else written zh.
 */
function chineseVariant(tag: string): Language {
  return /^zh-(hant|tw|hk|mo)\b/i.test(tag) ? "zh-TW" : "zh-CN";
}

/** The language of ours closest to one browser language tag, if any. */
export function matchLanguage(tag: string): Language | undefined {
  const exact = Object.keys(LANGUAGES).find((l) => l.toLowerCase() === tag.toLowerCase());
  if (isLanguage(exact)) return exact;
  const prefix = tag.split("-")[0]?.toLowerCase();
  if (prefix === "zh") return chineseVariant(tag);
  const close = Object.keys(LANGUAGES).find((l) => l.split("-")[0] === prefix);
  return isLanguage(close) ? close : undefined;
}

/** The saved choice, else the browser's first language we have. */
function initialLanguage(): Language {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (isLanguage(saved)) return saved;
  for (const wanted of navigator.languages ?? []) {
    const found = matchLanguage(wanted);
    if (found) return found;
  }
  return "en-US";
}

export async function setLanguage(language: Language) {
  if (language !== "en-US" && !i18n.hasResourceBundle(language, "translation")) {
    const bundle = await LOADERS[language]();
    i18n.addResourceBundle(language, "translation", bundle.default);
  }
  localStorage.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language;
  await i18n.changeLanguage(language);
}

export async function initI18n() {
  await i18n.use(initReactI18next).init({
    resources: { "en-US": { translation: enUS } },
    lng: "en-US",
    fallbackLng: "en-US",
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const language = initialLanguage();
  if (language !== "en-US") await setLanguage(language);
  else document.documentElement.lang = language;
}

export default i18n;
