//! A run whose process is killed mid-copy is finished by another instance.
