//! user_setting
