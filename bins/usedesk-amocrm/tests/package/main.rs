//! The Debian package: `scripts/deb` packages the already-built test binary (no release build), and the package
//! is unpacked with `dpkg-deb` and checked — the binary, the sandboxed systemd unit, the default configuration
//! (a conffile, not readable by others, refused by `check-config` until the operator fills it in), and
//! maintainer scripts that say what to set and never delete the data.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use testkit::TempDir;

const UNIT: &str = "usr/lib/systemd/system/usedesk-amocrm.service";
const CONFIG: &str = "etc/usedesk-amocrm/usedesk-amocrm.toml";

/// The package built once for every test, unpacked: its files under `root`, its control files under `control`.
struct Unpacked {
    deb: PathBuf,
    root: PathBuf,
    control: PathBuf,
    _dir: TempDir,
}

fn run(command: &mut Command) -> Output {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?} runs: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The unpacked package; `None` (loudly) where `dpkg-deb` is missing, unless CI requires it.
fn package() -> Option<&'static Unpacked> {
    static PACKAGE: OnceLock<Option<Unpacked>> = OnceLock::new();
    PACKAGE
        .get_or_init(|| {
            if !have("dpkg-deb") {
                assert!(
                    !testkit::services_required(),
                    "dpkg-deb is required here (CI/REQUIRE_SERVICES): apt-get install dpkg"
                );
                eprintln!("SKIPPED: dpkg-deb is not installed; the package is not checked");
                return None;
            }
            let dir = TempDir::new("package");
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/deb");
            let built = run(Command::new("bash")
                .arg(&script)
                .args(["--binary", env!("CARGO_BIN_EXE_usedesk-amocrm")])
                .arg("--out")
                .arg(dir.path().join("out"))
                .args(["--compress", "none"]));
            let deb = PathBuf::from(String::from_utf8(built.stdout).unwrap().trim());
            let (root, control) = (dir.path().join("root"), dir.path().join("control"));
            run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&root));
            run(Command::new("dpkg-deb").arg("-e").arg(&deb).arg(&control));
            Some(Unpacked {
                deb,
                root,
                control,
                _dir: dir,
            })
        })
        .as_ref()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The permissions and owner of `path` as the package records them (`dpkg-deb -c`), e.g. `-rw-r----- root/root`.
fn listed(package: &Unpacked, path: &str) -> String {
    let out = run(Command::new("dpkg-deb").arg("-c").arg(&package.deb));
    let listing = String::from_utf8(out.stdout).unwrap();
    let line = listing
        .lines()
        .find(|l| l.ends_with(&format!(" ./{path}")))
        .unwrap_or_else(|| panic!("{path} is not in the package:\n{listing}"));
    line.split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// The `[Service]`, `[Unit]` and `[Install]` entries of a unit file: key → every value it was given.
fn unit_entries(text: &str) -> HashMap<String, Vec<String>> {
    let mut entries: HashMap<String, Vec<String>> = HashMap::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line.starts_with('[') {
            continue;
        }
        let (key, value) = line.split_once('=').expect("key=value");
        entries
            .entry(key.trim().to_owned())
            .or_default()
            .push(value.trim().to_owned());
    }
    entries
}

#[test]
fn the_package_names_itself_with_the_binarys_version_and_its_dependencies() {
    let Some(package) = package() else { return };
    let field = |name: &str| {
        let out = run(Command::new("dpkg-deb")
            .arg("-f")
            .arg(&package.deb)
            .arg(name));
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };

    assert_eq!(field("Package"), "usedesk-amocrm");
    assert_eq!(field("Version"), env!("CARGO_PKG_VERSION"));
    let depends = field("Depends");
    assert!(
        depends.contains("libc6") && depends.contains("adduser"),
        "{depends}"
    );
}

#[test]
fn the_packaged_binary_prints_its_version() {
    let Some(package) = package() else { return };
    let binary = package.root.join("usr/bin/usedesk-amocrm");

    let out = run(Command::new(&binary).arg("--version"));

    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("usedesk-amocrm {}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(
        listed(package, "usr/bin/usedesk-amocrm"),
        "-rwxr-xr-x root/root"
    );
}

#[test]
fn the_unit_runs_the_service_sandboxed_and_checks_the_configuration_first() {
    let Some(package) = package() else { return };
    let text = read(&package.root.join(UNIT));
    let entries = unit_entries(&text);
    let value = |key: &str| entries.get(key).map(|v| v.join(" ")).unwrap_or_default();

    for (key, expected) in [
        ("ExecStart", "/usr/bin/usedesk-amocrm serve"),
        ("ExecStartPre", "/usr/bin/usedesk-amocrm check-config"),
        ("User", "usedesk-amocrm"),
        ("StateDirectory", "usedesk-amocrm"),
        ("StateDirectoryMode", "0700"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("NoNewPrivileges", "yes"),
        ("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX"),
        ("CapabilityBoundingSet", ""),
        ("SystemCallFilter", "@system-service"),
        ("Restart", "on-failure"),
        (
            "Environment",
            "USEDESK_AMOCRM_CONFIG=/etc/usedesk-amocrm/usedesk-amocrm.toml",
        ),
        ("WantedBy", "multi-user.target"),
    ] {
        assert_eq!(value(key), expected, "{key} in the unit");
    }
    assert!(
        entries.contains_key("CapabilityBoundingSet"),
        "capabilities are dropped"
    );
    assert!(
        !entries.contains_key("ReadWritePaths"),
        "nothing writable besides the state directory"
    );
}

#[test]
fn systemd_accepts_the_unit_without_a_warning() {
    let Some(package) = package() else { return };
    if !have("systemd-analyze") {
        eprintln!(
            "SKIPPED: systemd-analyze is not installed; the unit's keys are checked by the test above"
        );
        return;
    }
    // systemd-analyze checks that the commands exist: point them at the unpacked binary.
    let dir = TempDir::new("package-unit");
    let unit = dir.path().join("usedesk-amocrm.service");
    let binary = package.root.join("usr/bin/usedesk-amocrm");
    std::fs::write(
        &unit,
        read(&package.root.join(UNIT))
            .replace("/usr/bin/usedesk-amocrm", &binary.display().to_string()),
    )
    .unwrap();

    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&unit)
        .output()
        .unwrap();

    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        !stderr.contains("usedesk-amocrm.service"),
        "systemd warns about the unit: {stderr}"
    );
}

#[test]
fn the_default_configuration_is_a_private_conffile_that_check_config_refuses_naming_what_to_set() {
    let Some(package) = package() else { return };
    let config = package.root.join(CONFIG);
    let conffiles = read(&package.control.join("conffiles"));
    let dir = TempDir::new("package-check");

    let out = Command::new(package.root.join("usr/bin/usedesk-amocrm"))
        .arg("--config")
        .arg(&config)
        .arg("check-config")
        .current_dir(dir.path())
        .env_clear()
        .output()
        .unwrap();

    assert!(
        conffiles
            .lines()
            .any(|l| l == "/etc/usedesk-amocrm/usedesk-amocrm.toml"),
        "{conffiles}"
    );
    assert_eq!(
        listed(package, CONFIG),
        "-rw-r----- root/root",
        "secrets go in it: not world-readable (postinst gives it the service's group)"
    );
    let text = read(&config);
    assert!(
        text.contains("sqlite:///var/lib/usedesk-amocrm/"),
        "the database is in the state directory"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "check-config accepted the default");
    for key in ["block_secret", "client_id", "client_secret", "public_url"] {
        assert!(stderr.contains(key), "{key} is not named: {stderr}");
    }
}

#[test]
fn the_maintainer_scripts_say_what_to_set_and_never_delete_the_data() {
    let Some(package) = package() else { return };
    let postinst = read(&package.control.join("postinst"));
    let postrm = read(&package.control.join("postrm"));
    let prerm = read(&package.control.join("prerm"));

    for key in ["public_url", "client_id", "client_secret", "block_secret"] {
        assert!(postinst.contains(key), "postinst does not name {key}");
    }
    assert!(postinst.contains("adduser --system"), "a service user");
    assert!(
        postinst.contains("chmod 0640"),
        "the config is made group-readable only"
    );
    for script in [&postinst, &postrm, &prerm] {
        let deletes = script
            .split(|c: char| c.is_whitespace() || c == ';' || c == '&' || c == '|')
            .any(|word| matches!(word, "rm" | "rmdir" | "deluser" | "delgroup" | "userdel"));
        assert!(!deletes, "a maintainer script deletes something: {script}");
    }
    assert!(
        postrm.contains("/var/lib/usedesk-amocrm") && postrm.contains("NEVER"),
        "postrm says the data is kept"
    );
    for name in ["postinst", "prerm", "postrm"] {
        let script = package.control.join(name);
        #[cfg(unix)]
        assert_eq!(mode(&script), 0o755, "{name}");
        run(Command::new("sh").arg("-n").arg(&script));
    }
}
