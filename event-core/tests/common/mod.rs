//! What the oracle tests share: the Python that runs Google's own libraries.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate sits in the workspace")
        .to_path_buf()
}

/// `GCP_EVENTS_PYTHON`, else the workspace's `.venv` Python, made (with the oracle's pinned
/// packages) when missing.
pub(crate) fn oracle_python() -> PathBuf {
    if let Some(python) = std::env::var_os("GCP_EVENTS_PYTHON").filter(|p| !p.is_empty()) {
        return PathBuf::from(python);
    }
    let root = workspace_root();
    let venv = root.join(".venv");
    let python = venv.join("bin/python");
    let help = "the oracle tests need Python 3 with scripts/oracle/requirements.txt: \
                run `bash scripts/test.sh` (it makes .venv), or set GCP_EVENTS_PYTHON";
    if !python.exists() {
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status();
        assert!(
            made.as_ref().is_ok_and(|s| s.success()),
            "making {} failed ({made:?}); {help}",
            venv.display()
        );
    }
    let requirements = root.join("scripts/oracle/requirements.txt");
    let installed = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(&requirements)
        .output();
    match installed {
        Ok(out) if out.status.success() => python,
        Ok(out) => panic!(
            "installing {} failed: {}; {help}",
            requirements.display(),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => panic!("cannot run {}: {e}; {help}", python.display()),
    }
}
