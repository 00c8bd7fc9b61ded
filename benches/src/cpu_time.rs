//! CPU time (user + system) of a process or of some of this process's threads, from `/proc`: what
//! the load benches divide by the credentials completed.

use std::time::Duration;

use crate::FixtureError;

/// The user and system CPU time of the whole process `pid` (`self` for this one) so far: every
/// thread (a runtime's workers, its blocking pool, SQLite's connection threads, a Node process's
/// event loop and its helper threads).
pub fn process_cpu(pid: &str) -> Result<Duration, FixtureError> {
    stat_cpu(&std::fs::read_to_string(format!("/proc/{pid}/stat"))?)
}

/// The CPU time so far of this process's threads whose name starts with `prefix` (a runtime's
/// `thread_name`; Linux keeps the first 15 bytes). A thread that ended took its time with it.
pub fn threads_cpu(prefix: &str) -> Result<Duration, FixtureError> {
    let mut total = Duration::ZERO;
    for task in std::fs::read_dir("/proc/self/task")? {
        let path = task?.path();
        // A thread may end between the listing and the reads: then it is not counted.
        let Ok(name) = std::fs::read_to_string(path.join("comm")) else {
            continue;
        };
        if !name.trim_end().starts_with(prefix) {
            continue;
        }
        if let Ok(stat) = std::fs::read_to_string(path.join("stat")) {
            total += stat_cpu(&stat)?;
        }
    }
    Ok(total)
}

/// utime + stime of a `/proc/.../stat` line.
fn stat_cpu(stat: &str) -> Result<Duration, FixtureError> {
    // The fields after the command name, which is in parentheses and may hold spaces.
    let after = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .ok_or("unexpected /proc stat line")?;
    let fields: Vec<&str> = after.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name and
    // state; in clock ticks, which /proc always reports at USER_HZ = 100 on Linux.
    let ticks = |i: usize| -> Result<u64, FixtureError> {
        Ok(fields.get(i).ok_or("short /proc stat line")?.parse()?)
    };
    let total = ticks(11)? + ticks(12)?;
    Ok(Duration::from_millis(total * 10))
}
