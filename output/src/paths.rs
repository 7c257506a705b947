//! Rules for relative paths inside an output directory.

use orgforge_engine::artifact::is_safe_path_component;

/// Most components a corpus path may have (`confluence/<SPACE>/<ID>.md` has three).
pub const MAX_PATH_COMPONENTS: usize = 8;

/// Files orgforge writes itself at the top of an output directory; no corpus file may use them.
pub const RESERVED_FILES: [&str; 6] = [
    "manifest.json",
    "run.json",
    "scenario.yaml",
    "events.jsonl",
    "snapshot.json",
    "orgforge.db",
];

/// Checks that `path` is a safe relative path: `/`-separated, not absolute, no `.` or `..`,
/// every component passing [`is_safe_path_component`]. Returns why it is not.
pub fn check_relative_path(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("the path is empty");
    }
    if path.starts_with('/') || path.starts_with('\\') {
        return Err("the path is absolute");
    }
    let components: Vec<&str> = path.split('/').collect();
    if components.len() > MAX_PATH_COMPONENTS {
        return Err("the path is nested too deeply");
    }
    for component in components {
        if component == ".." {
            return Err("the path contains `..`");
        }
        if component.is_empty() || component == "." {
            return Err("the path has an empty or `.` component");
        }
        if !is_safe_path_component(component) {
            return Err(
                "a component has characters outside [A-Za-z0-9._-], starts with `.`, or is too long",
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_relative_path;

    #[test]
    fn accepts_corpus_paths_and_refuses_escapes() {
        for ok in [
            "slack/users.json",
            "jira/PLAT-12.json",
            "confluence/PLAT/1001.md",
        ] {
            assert_eq!(check_relative_path(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x.json",
            "jira/../../x",
            "a//b",
            "./a",
            "slack/.hidden",
            "slack/a b.json",
            "C:\\x",
            "a/b/c/d/e/f/g/h/i",
        ] {
            assert!(check_relative_path(bad).is_err(), "{bad}");
        }
    }
}
