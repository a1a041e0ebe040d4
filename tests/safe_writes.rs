//! Every file ferroform writes goes to a temporary file in the target directory and is
//! renamed into place (issue #9, item 18): `synth --out` never writes through a symbolic link
//! planted at a template's or the manifest's path, refuses it with an error naming it (exit 2,
//! nothing written), and leaves no temporary file behind. (`--outputs-file` is tested with the
//! deploy commands, in dsl/tests/deploy_no_leaks.rs; the shared writer in dsl/src/fsutil.rs.)

mod support;

use std::fs;
use std::path::Path;

use ferroform::App;
use support::programs::versioned_stack;

fn app(names: &[&str], version: &str) -> App {
    let mut app = App::new();
    for name in names {
        app.add(versioned_stack(name, version));
    }
    app
}

fn synth_out(app: App, dir: &Path) -> (u8, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = app.run_with(
        ["my-stacks", "synth", "--out", dir.to_str().unwrap()],
        &mut out,
        &mut err,
    );
    (code, String::from_utf8(err).unwrap())
}

fn temporaries(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

#[cfg(unix)]
#[test]
fn a_planted_link_is_refused_and_the_file_it_points_to_left_alone() {
    for planted in ["Web.template.json", "ferroform.manifest.json"] {
        let tmp = support::temp_dir("safe-writes-link");
        let outside = tmp.join("outside.txt");
        fs::write(&outside, "precious").unwrap();
        let dir = tmp.join("out");
        fs::create_dir_all(&dir).unwrap();
        let link = dir.join(planted);
        std::os::unix::fs::symlink(&outside, &link).unwrap();

        let (code, err) = synth_out(app(&["Network", "Web"], "1"), &dir);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains(&link.display().to_string()) && err.contains("symbolic link"),
            "names the link: {err}"
        );
        assert_eq!(fs::read_to_string(&outside).unwrap(), "precious");
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(
            !dir.join("Network.template.json").exists(),
            "nothing is written when a target is refused"
        );
        assert!(temporaries(&dir).is_empty(), "{:?}", temporaries(&dir));
    }
}

#[test]
fn files_are_replaced_whole_without_temporaries_left_behind() {
    let tmp = support::temp_dir("safe-writes-replace");
    let dir = tmp.join("out");
    let (code, err) = synth_out(app(&["Web"], "1"), &dir);
    assert_eq!(code, 0, "{err}");
    let (code, err) = synth_out(app(&["Web"], "2"), &dir);
    assert_eq!(code, 0, "{err}");
    let text = fs::read_to_string(dir.join("Web.template.json")).unwrap();
    assert!(text.contains("Web 2"), "{text}");
    assert!(temporaries(&dir).is_empty(), "{:?}", temporaries(&dir));
}

#[cfg(unix)]
#[test]
fn a_replaced_file_is_a_new_file_so_a_hard_link_to_the_old_one_keeps_the_old_content() {
    // Renaming a new file into place (not rewriting the old one in place) is what keeps a
    // writer from reaching through whatever the old path was.
    let tmp = support::temp_dir("safe-writes-hardlink");
    let dir = tmp.join("out");
    let (code, err) = synth_out(app(&["Web"], "1"), &dir);
    assert_eq!(code, 0, "{err}");
    let other = tmp.join("elsewhere.json");
    fs::hard_link(dir.join("Web.template.json"), &other).unwrap();
    let (code, err) = synth_out(app(&["Web"], "2"), &dir);
    assert_eq!(code, 0, "{err}");
    assert!(fs::read_to_string(&other).unwrap().contains("Web 1"));
    assert!(
        fs::read_to_string(dir.join("Web.template.json"))
            .unwrap()
            .contains("Web 2")
    );
}
