// What the signed-out pages need from the site config: the site's name and the captcha type
// (`basic` section) and which sign-in features are on (`login` section). The pages draw their
// form only once both answers are in, so a late answer never reshapes or swaps a form that
// someone is already typing in.
import { useQuery } from "@tanstack/react-query";
import { anonymousApi, unwrap } from "../client";
import { siteConfigRoot } from "../siteConfig";

export type LoginConfig = {
  title: string;
  /** Whether each form asks for the picture captcha. */
  captcha: { signIn: boolean; signUp: boolean; forgot: boolean };
  signUp: boolean;
  passkeys: boolean;
  /** The OpenID Connect providers, a button each. */
  providers: { id: string; name: string; icon?: string | null }[];
  /** Administrator HTML inside the card (under its content) and under the card. */
  html: { bottom?: string | null; footer?: string | null };
};

const section = (name: "basic" | "login") => ({
  // Keyed apart from the signed-in shell's `basic` query, which carries the caller.
  queryKey: [...siteConfigRoot, name, "signed-out"],
  queryFn: () =>
    unwrap(anonymousApi.GET("/site/config/{section}", { params: { path: { section: name } } })),
});

/** The config, or `undefined` while it loads. */
export function useLoginConfig(): LoginConfig | undefined {
  const basic = useQuery(section("basic"));
  const login = useQuery(section("login"));
  if (!basic.data || !login.data) return undefined;
  // Only the picture captcha is drawn here; other kinds need their vendor's widget.
  const picture = basic.data.captcha_type === "normal";
  return {
    title: basic.data.title || "Stratus",
    captcha: {
      signIn: picture && !!login.data.login_captcha,
      signUp: picture && !!login.data.reg_captcha,
      forgot: picture && !!login.data.forget_captcha,
    },
    signUp: !!login.data.register_enabled,
    passkeys: !!login.data.authn,
    providers: login.data.oidc_providers ?? [],
    html: {
      bottom: basic.data.custom_html?.headless_bottom,
      footer: basic.data.custom_html?.headless_footer,
    },
  };
}
