//! Parsing of command-line values and reading of input files, shared by
//! the subcommands.

/// A whole number, `_` separators allowed (`1_000_000`).
pub fn parse_whole(s: &str) -> Result<usize, String> {
    s.replace('_', "")
        .parse()
        .map_err(|_| format!("`{s}` is not a whole number"))
}

/// A count of at least 1 and at most `max` `what` (for the message).
pub fn parse_count(s: &str, max: usize, what: &str) -> Result<usize, String> {
    let n = parse_whole(s)?;
    if n == 0 {
        return Err("must be at least 1".into());
    }
    if n > max {
        return Err(format!("at most {max} {what}"));
    }
    Ok(n)
}

/// The text of an op script: the file at `path`, or standard input for
/// `-`.
pub fn read_script(path: &std::path::Path) -> Result<String, String> {
    if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| format!("cannot read standard input: {e}"))
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    }
}

/// `path` can be written: not a directory, its directory exists, and a
/// file can be opened there (a new file is removed again).
pub fn check_writable(path: &std::path::Path) -> Result<(), String> {
    if path.is_dir() {
        return Err(format!(
            "cannot write {}: it is a directory",
            path.display()
        ));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    if !dir.is_dir() {
        return Err(format!(
            "cannot write {}: directory {} does not exist",
            path.display(),
            dir.display()
        ));
    }
    let existed = path.exists();
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    if !existed {
        let _ = std::fs::remove_file(path);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_accept_separators_and_reject_zero_and_excess() {
        assert_eq!(parse_count("1_000", 5000, "keys"), Ok(1000));
        assert_eq!(
            parse_count("0", 5000, "keys").unwrap_err(),
            "must be at least 1"
        );
        assert_eq!(
            parse_count("6000", 5000, "keys").unwrap_err(),
            "at most 5000 keys"
        );
        assert!(parse_count("-5", 5000, "keys")
            .unwrap_err()
            .contains("whole number"));
    }
}
