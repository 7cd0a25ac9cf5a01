//! `Slapd`: a throwaway OpenLDAP server (Debian's `slapd`) on `127.0.0.1:<free port>`, with
//! the core, cosine and inetOrgPerson schemas, an mdb database in a temporary folder and
//! `dc=example,dc=org` holding a few people and a group; optionally StartTLS with a
//! certificate of a CA made for the test (by the `openssl` command). Entries change through
//! `ldapadd`/`ldapmodify`/`ldapdelete` as the directory's root.

use std::{
    path::Path,
    process::Stdio,
    time::{Duration, Instant},
};

use tempfile::TempDir;
use tokio::process::{Child, Command};

pub const BASE_DN: &str = "dc=example,dc=org";
pub const ROOT_DN: &str = "cn=admin,dc=example,dc=org";
pub const ROOT_PW: &str = "root-secret";

/// The people and the group every directory starts with (passwords in plain text: slapd
/// compares them as they are).
const ENTRIES: &str = "\
dn: dc=example,dc=org
objectClass: dcObject
objectClass: organization
o: Example
dc: example

dn: ou=people,dc=example,dc=org
objectClass: organizationalUnit
ou: people

dn: ou=groups,dc=example,dc=org
objectClass: organizationalUnit
ou: groups

dn: uid=alice,ou=people,dc=example,dc=org
objectClass: inetOrgPerson
uid: alice
cn: Alice Liddell
sn: Liddell
mail: alice@example.org
userPassword: wonderland

dn: uid=bob,ou=people,dc=example,dc=org
objectClass: inetOrgPerson
uid: bob
cn: Bob Builder
sn: Builder
mail: bob@example.org
userPassword: can-we-fix-it

dn: cn=staff,ou=groups,dc=example,dc=org
objectClass: groupOfNames
cn: staff
member: uid=alice,ou=people,dc=example,dc=org
";

/// A running directory; stopped when dropped.
pub struct Slapd {
    pub port: u16,
    /// The PEM of the CA that signed the server's certificate (StartTLS directories only).
    pub ca_pem: Option<String>,
    child: Child,
    dir: TempDir,
}

impl Slapd {
    /// A plain directory (no TLS).
    pub async fn start() -> Self {
        Self::launch(false).await
    }

    /// A directory that offers StartTLS with a certificate for `localhost` and 127.0.0.1.
    pub async fn start_tls() -> Self {
        Self::launch(true).await
    }

    async fn launch(tls: bool) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::create_dir(root.join("db")).expect("db dir");
        let ca_pem = tls.then(|| make_certificates(root));
        let mut conf = format!(
            "include /etc/ldap/schema/core.schema\n\
             include /etc/ldap/schema/cosine.schema\n\
             include /etc/ldap/schema/inetorgperson.schema\n\
             modulepath /usr/lib/ldap\n\
             moduleload back_mdb\n\
             pidfile {root}/slapd.pid\n\
             argsfile {root}/slapd.args\n",
            root = root.display()
        );
        if tls {
            conf.push_str(&format!(
                "TLSCACertificateFile {root}/ca.pem\n\
                 TLSCertificateFile {root}/server.pem\n\
                 TLSCertificateKeyFile {root}/server.key\n",
                root = root.display()
            ));
        }
        conf.push_str(&format!(
            "database mdb\nmaxsize 4194304\nsuffix \"{BASE_DN}\"\nrootdn \"{ROOT_DN}\"\n\
             rootpw {ROOT_PW}\ndirectory {root}/db\n",
            root = root.display()
        ));
        std::fs::write(root.join("slapd.conf"), conf).expect("slapd.conf");

        let port = free_port();
        let child = Command::new("slapd")
            .arg("-d")
            .arg("0")
            .arg("-f")
            .arg(root.join("slapd.conf"))
            .arg("-h")
            .arg(format!("ldap://127.0.0.1:{port}/"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("slapd (apt-get install slapd)");
        let slapd = Self {
            port,
            ca_pem,
            child,
            dir,
        };
        slapd.wait_until_listening().await;
        slapd.modify("ldapadd", ENTRIES).await;
        slapd
    }

    /// `ldap://127.0.0.1:<port>`
    pub fn url(&self) -> String {
        format!("ldap://127.0.0.1:{}", self.port)
    }

    async fn wait_until_listening(&self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "slapd did not start listening");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Runs `tool` (`ldapadd`, `ldapmodify`, `ldapdelete`) as the root with `input` on stdin.
    pub async fn modify(&self, tool: &str, input: &str) {
        use tokio::io::AsyncWriteExt;
        let mut child = Command::new(tool)
            .args(["-x", "-H", &self.url(), "-D", ROOT_DN, "-w", ROOT_PW])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("ldap-utils (apt-get install ldap-utils)");
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(input.as_bytes()).await.expect("write");
        drop(stdin);
        let out = tokio::time::timeout(Duration::from_secs(20), child.wait_with_output())
            .await
            .expect("ldap tool timed out")
            .expect("ldap tool");
        assert!(
            out.status.success(),
            "{tool} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Freezes the server (SIGSTOP): connections are accepted by the kernel and never
    /// answered, like a hung directory.
    pub fn freeze(&self) {
        self.signal(rustix::process::Signal::STOP);
    }

    /// Undoes [`Slapd::freeze`].
    pub fn thaw(&self) {
        self.signal(rustix::process::Signal::CONT);
    }

    fn signal(&self, signal: rustix::process::Signal) {
        let pid = self.child.id().expect("slapd runs");
        let pid = rustix::process::Pid::from_raw(pid as i32).expect("pid");
        rustix::process::kill_process(pid, signal).expect("signal slapd");
    }

    /// Stops the server for good.
    pub async fn stop(&mut self) {
        let _ = self.child.kill().await;
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

/// A port nothing listens on now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// A CA and a server certificate it signed (`localhost`, 127.0.0.1), written to `root`;
/// answers the CA's PEM.
fn make_certificates(root: &Path) -> String {
    let run = |args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .args(args)
            .current_dir(root)
            .output()
            .expect("openssl");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"];
    run(&[
        &[
            "req",
            "-x509",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=Stratus test CA",
        ][..],
        &ec,
        &["-keyout", "ca.key", "-out", "ca.pem"],
    ]
    .concat());
    run(&[
        &["req", "-nodes", "-subj", "/CN=localhost"][..],
        &ec,
        &["-keyout", "server.key", "-out", "server.csr"],
    ]
    .concat());
    std::fs::write(
        root.join("san.ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    )
    .expect("san.ext");
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "san.ext",
        "-out",
        "server.pem",
    ]);
    std::fs::read_to_string(root.join("ca.pem")).expect("ca.pem")
}
