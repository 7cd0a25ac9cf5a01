//! Asking an executable for its version: `POST /admin/tool/thumbExecutable` (the console's
//! "test" button beside each generator's path) and the check logged at start for every
//! enabled external generator.

use std::time::Duration;

use super::chain::{Chain, Kind};
use crate::{
    sandbox::{self, Limits, SandboxError},
    settings::Settings,
    state::AppState,
};

/// The tools whose version can be asked for: the external generators and `ffprobe`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Generator(Kind),
    Ffprobe,
}

impl Tool {
    /// The tool a console name stands for (`vips`, `ffmpeg`, `libreOffice`, `libRaw`,
    /// `poppler`, `heif`, `ffprobe`).
    pub fn from_name(name: &str) -> Option<Self> {
        if name.trim().eq_ignore_ascii_case("ffprobe") {
            return Some(Self::Ffprobe);
        }
        Kind::from_name(name).map(Self::Generator)
    }

    /// The argument that makes the tool print its version and exit (none for LibRaw's
    /// samples and libheif's tools, which print a banner with their version when called
    /// without one, or `-h` for the latter).
    fn version_args(self) -> &'static [&'static str] {
        match self {
            Self::Generator(Kind::Ffmpeg) | Self::Ffprobe => &["-version"],
            Self::Generator(Kind::Vips | Kind::LibreOffice) => &["--version"],
            Self::Generator(Kind::Poppler) => &["-v"],
            Self::Generator(Kind::Heif) => &["-h"],
            _ => &[],
        }
    }
}

/// Why no version could be read.
#[derive(Debug, thiserror::Error)]
pub enum VersionError {
    #[error("unknown generator {0:?}")]
    UnknownTool(String),
    #[error("the executable path is empty")]
    NoPath,
    #[error(transparent)]
    Run(#[from] SandboxError),
    #[error("the executable printed no version ({0})")]
    NoVersion(String),
}

/// Runs `executable` as `tool` and returns the first line it prints (its version).
pub async fn check(state: &AppState, tool: Tool, executable: &str) -> Result<String, VersionError> {
    let executable = executable.trim();
    if executable.is_empty() {
        return Err(VersionError::NoPath);
    }
    let parent = state
        .temp_dir()
        .await
        .map_err(|e| SandboxError::Io(std::io::Error::other(e)))?;
    tokio::fs::create_dir_all(&parent)
        .await
        .map_err(SandboxError::Io)?;
    let dir = tempfile::Builder::new()
        .prefix("version-")
        .tempdir_in(parent)
        .map_err(SandboxError::Io)?;
    let limits = Limits {
        timeout: Duration::from_secs(20),
        memory: 0,
        file_size: 16 << 20,
    };
    let args: Vec<_> = tool.version_args().iter().map(Into::into).collect();
    let output = sandbox::run(executable, &args, dir.path(), &limits).await?;
    let first = |bytes: &[u8]| {
        String::from_utf8_lossy(bytes)
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with("---"))
            .map(|l| l.chars().take(200).collect::<String>())
    };
    first(&output.stdout)
        .or_else(|| first(&output.stderr))
        .ok_or_else(|| VersionError::NoVersion(output.reason()))
}

/// Logs the version of every enabled external generator, or why it cannot be run: a missing
/// tool shows at start rather than as files without thumbnails.
pub async fn log_at_start(state: AppState) {
    let state = &state;
    let Ok(all) = state.settings.all().await else {
        return;
    };
    let chain = Chain::from_settings(&all);
    for generator in chain
        .generators
        .iter()
        .filter(|g| g.enabled && g.kind.external())
    {
        match check(state, Tool::Generator(generator.kind), &generator.path).await {
            Ok(version) => tracing::info!(
                generator = generator.kind.key(),
                path = %generator.path,
                %version,
                "thumbnail generator found"
            ),
            Err(e) => tracing::warn!(
                generator = generator.kind.key(),
                path = %generator.path,
                error = %e,
                "thumbnail generator cannot be run"
            ),
        }
    }
    let _ = ffprobe_at_start(&state.settings, state).await;
}

async fn ffprobe_at_start(settings: &Settings, state: &AppState) -> Option<()> {
    if !crate::settings::parse_bool(&settings.get("media_meta_ffprobe").await.ok()?) {
        return None;
    }
    let path = settings.get("media_meta_ffprobe_path").await.ok()?;
    let path = if path.trim().is_empty() {
        "ffprobe"
    } else {
        path.trim()
    };
    match check(state, Tool::Ffprobe, path).await {
        Ok(version) => tracing::info!(%path, %version, "ffprobe found"),
        Err(e) => tracing::warn!(%path, error = %e, "ffprobe cannot be run"),
    }
    Some(())
}
