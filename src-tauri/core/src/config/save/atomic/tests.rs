use super::*;

fn temp_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .expect("ls")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tmp"))
        .collect();
    names.sort();
    names
}

#[test]
fn a_failed_step_leaves_the_original_and_no_temp_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.json5");
    std::fs::write(&path, "{ old: 1 }").expect("write");
    let fp = Fingerprint::of(b"{ old: 1 }");
    for step in [
        Step::CreateTemp,
        Step::Write,
        Step::Sync,
        Step::Backup,
        Step::Rename,
    ] {
        let hook = move |s: Step| {
            if s == step {
                Err(std::io::Error::other("disk full"))
            } else {
                Ok(())
            }
        };
        let err = write_atomic_with(&path, "{ new: 2 }", Some(fp), &hook).expect_err("fails");
        assert_eq!(err.kind().as_str(), "io", "{step:?}");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "{ old: 1 }",
            "{step:?}"
        );
        assert_eq!(temp_names(dir.path()), Vec::<String>::new(), "{step:?}");
    }
    let new = write_atomic(&path, "{ new: 2 }", Some(fp)).expect("saves");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "{ new: 2 }");
    assert_eq!(
        std::fs::read_to_string(backup_path(&path)).expect("bak"),
        "{ old: 1 }"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for file in [path.clone(), backup_path(&path), lock_path(&path)] {
            let mode = std::fs::metadata(&file).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{}", file.display());
        }
    }
    let err = write_atomic(&path, "{ x: 3 }", Some(fp)).expect_err("stale");
    assert_eq!(err.kind().as_str(), "changed_on_disk");
    write_atomic(&path, "{ x: 3 }", Some(new)).expect("fresh fingerprint saves");
}

#[test]
fn the_lock_is_held_from_the_check_to_the_rename() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.json5");
    std::fs::write(&path, "{ old: 1 }").expect("write");
    let seen = std::sync::Mutex::new(Vec::new());
    let hook = |step: Step| {
        // Another open file description, as another process would have.
        let mut other = fd_lock::RwLock::new(open_lock(&lock_path(&path))?);
        let refused =
            matches!(other.try_write(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock);
        seen.lock().expect("not poisoned").push((step, refused));
        Ok(())
    };
    write_atomic_with(
        &path,
        "{ new: 2 }",
        Some(Fingerprint::of(b"{ old: 1 }")),
        &hook,
    )
    .expect("saves");
    let seen = seen.into_inner().expect("not poisoned");
    assert_eq!(seen.len(), 5, "{seen:?}");
    assert!(seen.iter().all(|(_, refused)| *refused), "{seen:?}");
    let mut after = fd_lock::RwLock::new(open_lock(&lock_path(&path)).expect("opens"));
    assert!(after.try_write().is_ok(), "released after the save");
}

#[test]
fn racing_savers_lose_no_write() {
    const SAVERS: usize = 4;
    const EACH: usize = 25;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.json5");
    std::thread::scope(|s| {
        for saver in 0..SAVERS {
            let path = &path;
            s.spawn(move || {
                for n in 0..EACH {
                    // Load, add one line, save; on a change behind our back, load again.
                    loop {
                        let old = std::fs::read_to_string(path).ok();
                        let expected = old.as_deref().map(|t| Fingerprint::of(t.as_bytes()));
                        let text = format!("{}{saver}-{n}\n", old.unwrap_or_default());
                        match write_atomic(path, &text, expected) {
                            Ok(_) => break,
                            Err(ConfigError::ChangedOnDisk { .. }) => continue,
                            Err(e) => panic!("save failed: {e}"),
                        }
                    }
                }
            });
        }
    });
    let text = std::fs::read_to_string(&path).expect("read");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_unstable();
    lines.dedup();
    assert_eq!(lines.len(), SAVERS * EACH, "lost writes:\n{text}");
    assert_eq!(temp_names(dir.path()), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn a_symlinked_config_is_written_through_to_its_target() {
    let dir = tempfile::tempdir().expect("tempdir");
    let real_dir = dir.path().join("dotfiles");
    std::fs::create_dir(&real_dir).expect("mkdir");
    let target = real_dir.join("switchboard.json5");
    std::fs::write(&target, "{ old: 1 }").expect("write");
    let link = dir.path().join("config.json5");
    // A relative link, as dotfile managers make them, and a link to that link.
    std::os::unix::fs::symlink("dotfiles/switchboard.json5", &link).expect("link");
    let outer = dir.path().join("outer.json5");
    std::os::unix::fs::symlink(&link, &outer).expect("link");

    let fp =
        write_atomic(&outer, "{ new: 2 }", Some(Fingerprint::of(b"{ old: 1 }"))).expect("saves");
    for l in [&link, &outer] {
        let meta = std::fs::symlink_metadata(l).expect("meta");
        assert!(
            meta.file_type().is_symlink(),
            "{} is still a link",
            l.display()
        );
    }
    assert_eq!(
        std::fs::read_to_string(&target).expect("read"),
        "{ new: 2 }"
    );
    assert_eq!(
        std::fs::read_to_string(backup_path(&target)).expect("bak"),
        "{ old: 1 }"
    );
    assert!(!backup_path(&link).exists(), "the .bak sits by the target");
    write_atomic(&link, "{ x: 3 }", Some(fp)).expect("saves through the inner link");
    assert_eq!(std::fs::read_to_string(&target).expect("read"), "{ x: 3 }");

    let cycle = dir.path().join("cycle.json5");
    std::os::unix::fs::symlink(&cycle, &cycle).expect("link");
    let err = write_atomic(&cycle, "{}", None).expect_err("a cycle is an error");
    assert_eq!(err.kind().as_str(), "io");
}

#[test]
fn temp_files_a_killed_save_left_are_removed_and_do_not_block_saving() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.json5");
    std::fs::write(&path, "{ old: 1 }").expect("write");
    // The names older saves used (a fixed backup temp name) and this one's.
    for stale in [
        ".config.json5.bak-tmp",
        ".config.json5.tmp-4242-0",
        ".config.json5.tmp-Ab3xYz",
        ".config.json5.bak-tmp-Qw9rTy",
    ] {
        std::fs::write(dir.path().join(stale), "torn").expect("write");
    }
    let unrelated = dir.path().join(".settings.json.tmp-1");
    std::fs::write(&unrelated, "someone else's").expect("write");

    write_atomic(&path, "{ new: 2 }", Some(Fingerprint::of(b"{ old: 1 }"))).expect("saves");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "{ new: 2 }");
    assert_eq!(temp_names(dir.path()), vec![".settings.json.tmp-1"]);
    assert_eq!(
        std::fs::read_to_string(backup_path(&path)).expect("bak"),
        "{ old: 1 }"
    );
}
