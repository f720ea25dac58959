//! The machine the figures were measured on, from `/proc`.

use time::OffsetDateTime;
use time::macros::format_description;

/// Cores, CPU, memory and the date.
#[derive(Debug, Clone, PartialEq)]
pub struct Machine {
    /// Cores this process may use.
    pub cores: usize,
    /// The CPU's model name.
    pub cpu: String,
    /// Total memory, KiB.
    pub ram_kib: u64,
    /// The date, UTC, `YYYY-MM-DD`.
    pub date: String,
    /// The 1-minute load average when the figures were taken: other work on the machine skews them.
    pub load_average: Option<f64>,
}

impl Machine {
    /// Reads this machine.
    pub fn detect() -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let date = OffsetDateTime::now_utc()
            .format(format_description!("[year]-[month]-[day]"))
            .unwrap_or_default();
        Self {
            cores: std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
            cpu: cpu_model(&cpuinfo).unwrap_or_else(|| "unknown CPU".to_owned()),
            ram_kib: crate::server::status_kib(&meminfo, "MemTotal").unwrap_or(0),
            date,
            load_average: std::fs::read_to_string("/proc/loadavg")
                .ok()
                .as_deref()
                .and_then(load_average),
        }
    }

    /// Total memory in GiB.
    pub fn ram_gib(&self) -> f64 {
        // Memory sizes in KiB are far below 2^52, so the conversion is exact.
        #[allow(clippy::cast_precision_loss)]
        let kib = self.ram_kib as f64;
        kib / (1024.0 * 1024.0)
    }
}

/// The first `model name` of `/proc/cpuinfo`.
pub fn cpu_model(cpuinfo: &str) -> Option<String> {
    cpuinfo.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        (key.trim() == "model name").then(|| value.trim().to_owned())
    })
}

/// The 1-minute figure of `/proc/loadavg`.
pub fn load_average(loadavg: &str) -> Option<f64> {
    loadavg.split_whitespace().next()?.parse().ok()
}
