// WebAuthn between the server's JSON (binary fields in base64url, spec §5.5) and the browser's
// credential API, which takes and gives ArrayBuffers. A page open at another address than the
// site address setting (the passkeys' domain) is told so with both addresses, where the browser
// says only "This is an invalid domain".
import i18n from "../i18n";

type Json = Record<string, unknown>;

function fromBase64Url(text: string): ArrayBuffer {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

function toBase64Url(buffer: ArrayBuffer): string {
  let binary = "";
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The server wraps options as `{publicKey: {...}}`; some answers give them bare. */
function publicKeyOf(options: unknown): Json {
  const o = (options ?? {}) as Json;
  return ((o.publicKey as Json | undefined) ?? o) as Json;
}

function withIds(list: unknown): PublicKeyCredentialDescriptor[] | undefined {
  if (!Array.isArray(list)) return undefined;
  return list.map((c: Json) => ({ ...c, id: fromBase64Url(String(c.id)) })) as never;
}

/** Creation options for `navigator.credentials.create`. */
export function creationOptions(options: unknown): CredentialCreationOptions {
  const pk = publicKeyOf(options);
  const user = pk.user as Json;
  return {
    publicKey: {
      ...(pk as unknown as PublicKeyCredentialCreationOptions),
      challenge: fromBase64Url(String(pk.challenge)),
      user: {
        ...(user as unknown as PublicKeyCredentialUserEntity),
        id: fromBase64Url(String(user.id)),
      },
      excludeCredentials: withIds(pk.excludeCredentials),
    },
  };
}

/** Request options for `navigator.credentials.get`. */
export function requestOptions(options: unknown): CredentialRequestOptions {
  const pk = publicKeyOf(options);
  return {
    publicKey: {
      ...(pk as unknown as PublicKeyCredentialRequestOptions),
      challenge: fromBase64Url(String(pk.challenge)),
      allowCredentials: withIds(pk.allowCredentials) ?? [],
    },
  };
}

/** The credential as the JSON string the server reads (binary fields in base64url). */
export function serializeCredential(credential: Credential | null): string {
  const c = credential as PublicKeyCredential | null;
  if (!c) throw new Error("No passkey was chosen.");
  const r = c.response as AuthenticatorAttestationResponse & AuthenticatorAssertionResponse;
  const response: Json = { clientDataJSON: toBase64Url(r.clientDataJSON) };
  if ("attestationObject" in r && r.attestationObject) {
    response.attestationObject = toBase64Url(r.attestationObject);
    if (typeof r.getTransports === "function") response.transports = r.getTransports();
  }
  if ("authenticatorData" in r && r.authenticatorData) {
    response.authenticatorData = toBase64Url(r.authenticatorData);
    response.signature = toBase64Url(r.signature);
    if (r.userHandle) response.userHandle = toBase64Url(r.userHandle);
  }
  return JSON.stringify({
    id: c.id,
    rawId: toBase64Url(c.rawId),
    type: c.type,
    authenticatorAttachment: c.authenticatorAttachment ?? undefined,
    clientExtensionResults: c.getClientExtensionResults(),
    response,
  });
}

export function passkeysSupported(): boolean {
  return typeof window !== "undefined" && !!window.PublicKeyCredential && !!navigator.credentials;
}

/** The passkeys' domain the server asked for (`rp.id` to create, `rpId` to sign in). */
function domainOf(
  options: CredentialCreationOptions | CredentialRequestOptions,
): string | undefined {
  const pk = options.publicKey as { rp?: { id?: string }; rpId?: string } | undefined;
  return pk?.rp?.id ?? pk?.rpId;
}

/** The browser's answer; its refusal of another domain than this page's, in plain words. */
async function checkingDomain<T>(
  options: CredentialCreationOptions | CredentialRequestOptions,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (e) {
    const site = domainOf(options);
    const here = window.location.hostname;
    if (e instanceof DOMException && e.name === "SecurityError" && site && site !== here) {
      throw new Error(i18n.t("account.passkeyWrongSite", { site, here }));
    }
    throw e;
  }
}

/** A new passkey, from the server's creation options. */
export function createPasskey(options: unknown) {
  const made = creationOptions(options);
  return checkingDomain(made, () => navigator.credentials.create(made));
}

/** A passkey's assertion, from the server's request options. */
export function getPasskey(options: unknown) {
  const asked = requestOptions(options);
  return checkingDomain(asked, () => navigator.credentials.get(asked));
}
