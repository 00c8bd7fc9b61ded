//! Tests in which several real processes share one database (features `testing` and `sqlite` or
//! `postgres`): the test executable starts itself again, as a child that runs one entry test, and
//! tells it through the environment which database to open.

#[cfg(feature = "sqlite")]
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

/// The environment variables that name the database to a child.
const BACKEND_VAR: &str = "VC_TEST_SHARED_BACKEND";
const TARGET_VAR: &str = "VC_TEST_SHARED_TARGET";
#[cfg(feature = "postgres")]
const SCHEMA_VAR: &str = "VC_TEST_SHARED_SCHEMA";

/// The database the processes of one test share.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SharedDatabase {
    /// An SQLite file.
    #[cfg(feature = "sqlite")]
    Sqlite(PathBuf),
    /// A schema on a PostgreSQL server.
    #[cfg(feature = "postgres")]
    Postgres {
        /// The server's URL.
        url: String,
        /// The schema.
        schema: String,
    },
}

impl SharedDatabase {
    /// In a child: the database its parent named ([`child`](Self::child)), or `None` when the
    /// environment names none.
    pub fn from_env() -> Option<Self> {
        let target = std::env::var(TARGET_VAR).ok()?;
        match std::env::var(BACKEND_VAR).ok()?.as_str() {
            #[cfg(feature = "sqlite")]
            "sqlite" => Some(Self::Sqlite(PathBuf::from(target))),
            #[cfg(feature = "postgres")]
            "postgres" => Some(Self::Postgres {
                url: target,
                schema: std::env::var(SCHEMA_VAR).ok()?,
            }),
            _ => None,
        }
    }

    /// A child on this database: the running test executable again, running only the test
    /// `entry` (its whole path, such as `multiprocess::child_process_entry`), its output piped
    /// for [`wait_success`]. The caller adds the child's own variables and spawns it.
    pub fn child(&self, entry: &str) -> std::io::Result<Command> {
        let mut command = Command::new(std::env::current_exe()?);
        command
            .args(["--exact", entry, "--nocapture", "--test-threads", "1"])
            .envs(self.env())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        Ok(command)
    }

    fn env(&self) -> Vec<(&'static str, String)> {
        match self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite(path) => vec![
                (BACKEND_VAR, "sqlite".into()),
                (TARGET_VAR, path.display().to_string()),
            ],
            #[cfg(feature = "postgres")]
            Self::Postgres { url, schema } => vec![
                (BACKEND_VAR, "postgres".into()),
                (TARGET_VAR, url.clone()),
                (SCHEMA_VAR, schema.clone()),
            ],
        }
    }
}

/// A runtime for the async work of a parent or a child (multi-threaded: two workers).
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}

/// Waits for `child`: its output when it succeeded, otherwise a message with its exit status and
/// output.
pub fn wait_success(child: Child) -> Result<Output, String> {
    let output = child
        .wait_with_output()
        .map_err(|e| format!("child process lost: {e}"))?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(format!(
            "child process failed: {}\n{}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// Runs `test` on a fresh schema of the test server (named from `prefix` and `tag`, see
/// [`super::postgres`]), then drops it, and the schemas named by appending each of `suffixes` to
/// it, whether `test` passed or panicked; re-raises its panic. Does nothing without a server.
#[cfg(feature = "postgres")]
pub fn in_fresh_postgres_schema(
    prefix: &str,
    tag: &str,
    suffixes: &[&str],
    test: impl FnOnce(&SharedDatabase),
) -> Result<(), sqlx::Error> {
    let Some(url) = super::postgres::url() else {
        return Ok(());
    };
    let schema = super::postgres::unique_schema(prefix, tag);
    let database = SharedDatabase::Postgres {
        url: url.clone(),
        schema: schema.clone(),
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| test(&database)));
    let mut schemas = vec![schema.clone()];
    schemas.extend(suffixes.iter().map(|suffix| format!("{schema}{suffix}")));
    let schemas: Vec<&str> = schemas.iter().map(String::as_str).collect();
    let dropped = runtime()
        .map_err(sqlx::Error::Io)?
        .block_on(super::postgres::drop_schemas(&url, &schemas));
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
    dropped
}
