//! Stage timings of a run: how long each stage of the chain took and how much memory the
//! process held when it ended, for `build --timings` and the profile in the README. A leaf:
//! it knows stage names only as strings, and reads memory from `/proc/self/status` (Linux;
//! elsewhere memory is reported as unknown).

use std::time::Instant;

/// One stage's figures.
#[derive(Debug, Clone)]
pub struct StageTiming {
    pub name: &'static str,
    pub seconds: f64,
    /// Resident memory when the stage ended, and the process's peak so far (MiB).
    pub resident_mib: Option<u64>,
    pub peak_mib: Option<u64>,
}

/// Records stages one after the other: each [`Stages::end`] closes the stage that began
/// where the previous one ended.
pub struct Stages {
    last: Instant,
    done: Vec<StageTiming>,
}

impl Default for Stages {
    fn default() -> Self {
        Self::new()
    }
}

impl Stages {
    pub fn new() -> Self {
        Stages {
            last: Instant::now(),
            done: Vec::new(),
        }
    }

    /// Closes the stage called `name`, which began at the previous `end` (or at `new`).
    pub fn end(&mut self, name: &'static str) {
        let now = Instant::now();
        let (resident_mib, peak_mib) = memory_mib();
        self.done.push(StageTiming {
            name,
            seconds: now.duration_since(self.last).as_secs_f64(),
            resident_mib,
            peak_mib,
        });
        self.last = now;
    }

    /// Seconds spent in stages called `name` (0 when none ran: a float's `sum` of nothing is
    /// -0, which prints as "-0.00").
    pub fn seconds_of(&self, name: &str) -> f64 {
        self.done
            .iter()
            .filter(|s| s.name == name)
            .fold(0.0, |total, s| total + s.seconds)
    }

    pub fn into_timings(self) -> Vec<StageTiming> {
        self.done
    }
}

/// The stages as a table for people: name, seconds, resident and peak memory.
pub fn table(timings: &[StageTiming]) -> String {
    let mib = |m: Option<u64>| m.map_or_else(|| "?".to_string(), |m| m.to_string());
    let mut out = format!(
        "{:<12} {:>8} {:>13} {:>9}\n",
        "stage", "seconds", "resident MiB", "peak MiB"
    );
    for stage in timings {
        out.push_str(&format!(
            "{:<12} {:>8.2} {:>13} {:>9}\n",
            stage.name,
            stage.seconds,
            mib(stage.resident_mib),
            mib(stage.peak_mib)
        ));
    }
    out
}

/// The process's resident memory now and at its peak (VmRSS and VmHWM), in MiB.
fn memory_mib() -> (Option<u64>, Option<u64>) {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return (None, None);
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
            .map(|kib| kib / 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_follow_each_other_and_read_memory() {
        let mut stages = Stages::new();
        // No stage of that name: no time, printed as 0.00 (not -0.00).
        assert_eq!(format!("{:.2}", stages.seconds_of("search")), "0.00");
        stages.end("load");
        stages.end("parse");
        stages.end("parse");
        assert!(stages.seconds_of("parse") >= 0.0);
        let timings = stages.into_timings();
        let names: Vec<_> = timings.iter().map(|s| s.name).collect();
        assert_eq!(names, ["load", "parse", "parse"]);
        if cfg!(target_os = "linux") {
            let peak = timings[2].peak_mib.expect("VmHWM on Linux");
            assert!(peak >= timings[2].resident_mib.expect("VmRSS on Linux"));
            assert!(peak > 0);
        }
        let table = table(&timings);
        assert!(table.starts_with("stage"));
        assert_eq!(table.lines().count(), 4);
    }
}
