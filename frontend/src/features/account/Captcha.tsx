// The site's picture captcha, for the forms that ask for it (sign-in, sign-up, forgotten password).
import { Box, Group, Image, type MantineSpacing, TextInput } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useCaptchaImage } from "../../api/account/account";

export function useCaptcha(enabled: boolean) {
  const [text, setText] = useState("");
  const image = useCaptchaImage(enabled);
  return {
    enabled,
    text,
    setText,
    image: image.data?.image,
    /** What the request body carries: nothing when the site asks for no captcha. */
    fields: enabled ? { captcha: text, ticket: image.data?.ticket } : {},
    renew: () => {
      if (!enabled) return;
      setText("");
      image.refetch();
    },
  };
}

export function CaptchaField({
  captcha,
  mt = "sm",
}: {
  captcha: ReturnType<typeof useCaptcha>;
  /** Space above the field: none inside a Stack, which spaces its children itself. */
  mt?: MantineSpacing | 0;
}) {
  const { t } = useTranslation();
  if (!captcha.enabled) return null;
  return (
    <Group align="end" wrap="nowrap" mt={mt}>
      <TextInput
        style={{ flex: 1 }}
        label={t("signIn.captcha")}
        required
        value={captcha.text}
        onChange={(e) => captcha.setText(e.currentTarget.value)}
      />
      <Box
        component="button"
        type="button"
        aria-label={t("signIn.newCaptcha")}
        onClick={captcha.renew}
        style={{ border: 0, padding: 0, background: "none", cursor: "pointer" }}
      >
        {captcha.image && <Image src={captcha.image} alt={t("signIn.captchaImage")} h={36} />}
      </Box>
    </Group>
  );
}
