// Boolsets (spec §4.2): flag n lives in byte n/8, bit n%8 (lowest first), sent as standard
// base64 with padding. Used for group permissions here and by the shell's admin check.

/** The flags set in a base64 boolset; an unreadable value has none. */
export function decodeBoolset(base64: string | null | undefined): Set<number> {
  const flags = new Set<number>();
  if (!base64) return flags;
  let bytes: string;
  try {
    bytes = atob(base64);
  } catch {
    return flags;
  }
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes.charCodeAt(i);
    for (let bit = 0; bit < 8; bit++) if (byte & (1 << bit)) flags.add(i * 8 + bit);
  }
  return flags;
}

/** The shortest base64 boolset holding `flags` ("" when none is set). */
export function encodeBoolset(flags: Iterable<number>): string {
  const bytes: number[] = [];
  for (const flag of flags) {
    if (flag < 0) continue;
    const index = Math.floor(flag / 8);
    while (bytes.length <= index) bytes.push(0);
    bytes[index] = (bytes[index] ?? 0) | (1 << (flag % 8));
  }
  return bytes.length ? btoa(String.fromCharCode(...bytes)) : "";
}
