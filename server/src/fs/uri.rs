//! cloudreve:// URIs
