//! What the Nextcloud and ownCloud clients read before they sync: the server's status and
//! capabilities, and who signed in. The WebDAV side of the protocol is `dav::nextcloud`.

pub mod status;
