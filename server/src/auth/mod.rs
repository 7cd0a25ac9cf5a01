//! Who is calling: passwords now; tokens, 2FA, passkeys and request signing as they arrive.

pub mod password;
