//! Records the git commit the binary is built from, for the
//! `article_enricher_build_info` metric: `ARTICLE_ENRICHER_GIT_SHA` when set
//! (a Docker build has no `.git`: pass it as a build argument), else
//! `git rev-parse HEAD`, else `unknown`.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (out.status.success() && !text.is_empty()).then_some(text)
}

fn main() {
    println!("cargo:rerun-if-env-changed=ARTICLE_ENRICHER_GIT_SHA");
    let sha = std::env::var("ARTICLE_ENRICHER_GIT_SHA")
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| git(&["rev-parse", "--short=12", "HEAD"]))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=ARTICLE_ENRICHER_GIT_SHA={sha}");
    // Build again when HEAD moves: HEAD itself (a checkout) and the branch
    // it points to (a commit). Paths that do not exist are left out, as
    // cargo would otherwise rebuild every time.
    let mut watched = vec![git(&["rev-parse", "--git-path", "HEAD"])];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watched.push(git(&["rev-parse", "--git-path", &branch]));
    }
    for path in watched.into_iter().flatten() {
        if std::path::Path::new(&path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
