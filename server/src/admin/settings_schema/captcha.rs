//! Settings of the captcha: where it is asked and what the image looks like.

use super::Kind;

pub(super) const SETTINGS: &[(&str, Kind)] = &[
    // Captcha
    ("login_captcha", Kind::Bool),
    ("reg_captcha", Kind::Bool),
    ("forget_captcha", Kind::Bool),
    ("captcha_type", Kind::Captcha),
    ("captcha_height", Kind::Int { min: 30, max: 300 }),
    ("captcha_width", Kind::Int { min: 80, max: 800 }),
    ("captcha_mode", Kind::Int { min: 0, max: 3 }),
    ("captcha_ComplexOfNoiseText", Kind::Int { min: 0, max: 2 }),
    ("captcha_ComplexOfNoiseDot", Kind::Int { min: 0, max: 2 }),
    ("captcha_IsShowHollowLine", Kind::Bool),
    ("captcha_IsShowNoiseDot", Kind::Bool),
    ("captcha_IsShowNoiseText", Kind::Bool),
    ("captcha_IsShowSlimeLine", Kind::Bool),
    ("captcha_IsShowSineLine", Kind::Bool),
    ("captcha_CaptchaLen", Kind::Int { min: 4, max: 10 }),
    ("captcha_ReCaptchaKey", Kind::Text),
    ("captcha_ReCaptchaSecret", Kind::Secret { min_len: 0 }),
    ("captcha_turnstile_site_key", Kind::Text),
    ("captcha_turnstile_site_secret", Kind::Secret { min_len: 0 }),
    ("captcha_cap_instance_url", Kind::Url),
    // Captcha (Cap 2.0 names) (spec 4.18 §9)
    ("captcha_cap_site_key", Kind::Text),
    ("captcha_cap_secret_key", Kind::Secret { min_len: 0 }),
    (
        "captcha_cap_asset_server",
        Kind::OneOf(&["jsdelivr", "unpkg", "instance"]),
    ),
];
