// The accounts global-setup.ts creates with the CLI.
export const ACCOUNTS = {
  user: { email: "alice@example.com", password: "alice-password-1", admin: false },
  other: { email: "bob@example.com", password: "bob-password-1", admin: false },
  admin: { email: "root@example.com", password: "root-password-1", admin: true },
} as const;
