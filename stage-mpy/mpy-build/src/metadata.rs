//! What the module crate says about its build, in its manifest (read with `cargo
//! metadata`):
//!
//! ```toml
//! [package.metadata.mpy]
//! # Python modules that go with the native one (see `python.rs`).
//! python-manifest = "python/MANIFEST"
//!
//! [package.metadata.mpy.arch-features]
//! armv6m = ["small"]
//! ```
//!
//! `cargo mpy` enables the per-architecture features (on top of `--features`) when it
//! builds that architecture, unless `--no-arch-features` is given.

use crate::Error;
use mpy_link::Arch;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Extra features for each architecture (empty when the crate declares none).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ArchFeatures(Vec<(Arch, Vec<String>)>);

impl ArchFeatures {
    /// The extra features for `arch`.
    pub fn get(&self, arch: Arch) -> &[String] {
        self.0
            .iter()
            .find(|(a, _)| *a == arch)
            .map_or(&[][..], |(_, f)| f)
    }

    /// Reads `package.metadata.mpy.arch-features` of `package` from `cargo metadata`
    /// output.
    pub fn from_metadata(json: &str, package: &str) -> Result<ArchFeatures, Error> {
        let v: serde_json::Value = serde_json::from_str(json)
            .map_err(|e| Error(format!("cannot parse `cargo metadata` output: {e}")))?;
        let Some(pkg) = v["packages"]
            .as_array()
            .and_then(|p| p.iter().find(|p| p["name"] == package))
        else {
            // An unknown package: the build reports it.
            return Ok(ArchFeatures::default());
        };
        let table = &pkg["metadata"]["mpy"]["arch-features"];
        let Some(table) = table.as_object() else {
            return if table.is_null() {
                Ok(ArchFeatures::default())
            } else {
                Err(Error(format!(
                    "{package}: package.metadata.mpy.arch-features must be a table of arch = [features]"
                )))
            };
        };
        let mut out = Vec::new();
        for (name, features) in table {
            let arch: Arch = name.parse().map_err(|e| {
                Error(format!(
                    "{package}: package.metadata.mpy.arch-features: {e}"
                ))
            })?;
            let list = features
                .as_array()
                .and_then(|a| a.iter().map(|f| f.as_str().map(String::from)).collect())
                .ok_or_else(|| {
                    Error(format!(
                        "{package}: package.metadata.mpy.arch-features.{name} must be a list of feature names"
                    ))
                })?;
            out.push((arch, list));
        }
        Ok(ArchFeatures(out))
    }
}

/// `package.metadata.mpy.python-manifest` of `package`, resolved against the package's
/// directory: the list of Python modules that go with the native module, if any.
pub fn python_manifest(json: &str, package: &str) -> Result<Option<PathBuf>, Error> {
    let v: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| Error(format!("cannot parse `cargo metadata` output: {e}")))?;
    let Some(pkg) = v["packages"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["name"] == package))
    else {
        return Ok(None);
    };
    let entry = &pkg["metadata"]["mpy"]["python-manifest"];
    if entry.is_null() {
        return Ok(None);
    }
    let (Some(rel), Some(manifest)) = (entry.as_str(), pkg["manifest_path"].as_str()) else {
        return Err(Error(format!(
            "{package}: package.metadata.mpy.python-manifest must be a path"
        )));
    };
    let dir = Path::new(manifest).parent().unwrap_or(Path::new("."));
    Ok(Some(dir.join(rel)))
}

/// What `cargo mpy` reads of the module crate's metadata.
pub struct PackageMeta {
    /// Extra features per architecture.
    pub arch_features: ArchFeatures,
    /// The Python modules' manifest, if the crate has one.
    pub python_manifest: Option<PathBuf>,
}

impl PackageMeta {
    /// Runs `cargo metadata` for the workspace at `root` (or `manifest`) and reads what
    /// `package` declares.
    pub fn load(root: &Path, manifest: Option<&Path>, package: &str) -> Result<PackageMeta, Error> {
        let cargo: OsString = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.current_dir(root)
            .args(["metadata", "--format-version", "1", "--no-deps"]);
        if let Some(m) = manifest {
            cmd.arg("--manifest-path").arg(m);
        }
        let out = cmd
            .output()
            .map_err(|e| Error(format!("cannot run cargo metadata: {e}")))?;
        if !out.status.success() {
            return Err(Error(format!(
                "cargo metadata failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        let json = String::from_utf8_lossy(&out.stdout);
        Ok(PackageMeta {
            arch_features: ArchFeatures::from_metadata(&json, package)?,
            python_manifest: python_manifest(&json, package)?,
        })
    }
}

/// `base` (comma-separated) plus `extra`, without duplicates.
pub fn merge(base: &str, extra: &[String]) -> String {
    let mut all: Vec<&str> = base.split([',', ' ']).filter(|f| !f.is_empty()).collect();
    for f in extra {
        if !all.contains(&f.as_str()) {
            all.push(f);
        }
    }
    all.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    const METADATA: &str = r#"{"packages": [
        {"name": "other", "metadata": null},
        {"name": "stage-mpy", "metadata": {"mpy": {"arch-features": {
            "armv6m": ["tiny"], "rv32imc": ["small", "x"]}}}}
    ]}"#;

    #[test]
    fn features_per_arch() {
        let f = ArchFeatures::from_metadata(METADATA, "stage-mpy").unwrap();
        assert_eq!(f.get(Arch::Armv6m), ["tiny"]);
        assert_eq!(f.get(Arch::Rv32imc), ["small", "x"]);
        assert!(f.get(Arch::X64).is_empty());
        let none = ArchFeatures::from_metadata(METADATA, "other").unwrap();
        assert_eq!(none, ArchFeatures::default());
        let missing = ArchFeatures::from_metadata(METADATA, "no-such-crate").unwrap();
        assert_eq!(missing, ArchFeatures::default());
    }

    #[test]
    fn bad_tables_are_errors() {
        let bad_arch = r#"{"packages": [{"name": "m", "metadata": {"mpy": {"arch-features": {"xtensa": []}}}}]}"#;
        let e = ArchFeatures::from_metadata(bad_arch, "m").unwrap_err();
        assert!(e.0.contains("xtensa"), "{}", e.0);
        let not_list = r#"{"packages": [{"name": "m", "metadata": {"mpy": {"arch-features": {"x64": "small"}}}}]}"#;
        assert!(ArchFeatures::from_metadata(not_list, "m").is_err());
        let not_table =
            r#"{"packages": [{"name": "m", "metadata": {"mpy": {"arch-features": 5}}}]}"#;
        assert!(ArchFeatures::from_metadata(not_table, "m").is_err());
    }

    #[test]
    fn the_python_manifest_is_found_next_to_the_crate() {
        let json = r#"{"packages": [{"name": "m", "manifest_path": "/w/m/Cargo.toml",
            "metadata": {"mpy": {"python-manifest": "python/MANIFEST"}}}]}"#;
        assert_eq!(
            python_manifest(json, "m").unwrap(),
            Some(PathBuf::from("/w/m/python/MANIFEST"))
        );
        assert_eq!(python_manifest(METADATA, "stage-mpy").unwrap(), None);
        let bad = r#"{"packages": [{"name": "m", "manifest_path": "/w/m/Cargo.toml",
            "metadata": {"mpy": {"python-manifest": 3}}}]}"#;
        assert!(python_manifest(bad, "m").is_err());
    }

    #[test]
    fn merging_keeps_order_and_drops_duplicates() {
        assert_eq!(merge("natmod", &["tiny".into()]), "natmod,tiny");
        assert_eq!(merge("natmod,small", &["small".into()]), "natmod,small");
        assert_eq!(merge("", &["a".into(), "b".into()]), "a,b");
        assert_eq!(merge("natmod", &[]), "natmod");
    }
}
