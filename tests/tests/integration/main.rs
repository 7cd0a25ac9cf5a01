//! The one integration-test binary: every test starts the real server on an ephemeral
//! loopback port and talks HTTP to it. `STRATUS_TEST_DATABASE=postgres` runs the same tests
//! on PostgreSQL.

mod admin;
mod archive;
mod backup;
#[path = "backup/restore/mod.rs"]
mod backup_restore;
mod bootstrap;
mod bucket_instances;
mod bucket_outage;
mod cli;
mod concurrency;
mod connections;
mod custom_props;
mod dav;
mod direct_link;
mod direct_upload;
mod download;
mod envelope;
mod file;
mod file_changes;
mod file_events;
mod file_list;
mod fts;
mod fuzz;
mod layering;
mod lock;
mod metadata;
mod metrics;
mod notify;
mod oauth;
mod openapi;
mod passkey;
mod pg_restart;
mod query_bool;
mod registration;
mod registration_lookalike;
mod remote;
mod routes_doc;
mod s3_streamed_put;
mod session;
mod session_revocation;
mod share;
mod site;
mod snapshot;
mod storage;
mod storage_s3;
mod thumb;
mod trash;
mod upload;
mod user_profile;
mod user_sessions;
mod user_setting;
mod version;
mod web;
mod workflow;
