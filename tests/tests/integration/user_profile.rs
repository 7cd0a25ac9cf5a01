//! user_profile
