//! The command lines of `05_vc_api_server` and `06_vcalm_coordinator`, parsed here so that their
//! handling of secrets is tested.
//!
//! Secrets (the bearer token, the issuer key's seed) never come from the command line: every user
//! of the machine can read another process's argv (`ps`, `/proc/<pid>/cmdline`), while a
//! process's environment (`/proc/<pid>/environ`) and a file with mode `0600` are readable by its
//! owner only. Each secret is read from a file (`--token-file`, `--seed-file`; the flag wins) or
//! from the environment ([`TOKEN_ENV`], [`SEED_ENV`]); `--token` and `--seed` are refused with a
//! message naming both. Surrounding whitespace in a file or variable is dropped (so that
//! `echo ... > file` works); an empty secret is refused.

use std::ffi::OsString;
use std::fmt;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::instances::InstanceSpec;
use super::server::{random_token, ServerConfig};

/// The environment variable holding the bearer token.
pub const TOKEN_ENV: &str = "VC_API_TOKEN";

/// The environment variable holding the issuer key's seed (64 hex characters).
pub const SEED_ENV: &str = "VC_ISSUER_SEED";

/// Why a command line was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgsError {
    /// `--help` or `-h`: print the usage and nothing else.
    Help,
    /// What is wrong, for the user.
    Invalid(String),
}

impl ArgsError {
    /// What to tell the user before the usage line (nothing for `--help`).
    pub fn message(&self) -> &str {
        match self {
            ArgsError::Help => "",
            ArgsError::Invalid(message) => message,
        }
    }
}

impl fmt::Display for ArgsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArgsError::Help => f.write_str("help requested"),
            ArgsError::Invalid(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ArgsError {}

/// Where a secret came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// The file given with the flag.
    File(PathBuf),
    /// The environment variable.
    Env(&'static str),
    /// Neither was given: made up at random.
    Random,
}

/// The environment as the parsers see it: `name` to its value, if set.
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<OsString>;

/// The process's own environment, for [`server_args`] and [`coordinator_args`].
pub fn process_env(name: &str) -> Option<OsString> {
    std::env::var_os(name)
}

/// `05_vc_api_server`'s command line (no `Debug`: it holds the token).
pub struct ServerArgs {
    /// How to start the server (token and seed included).
    pub config: ServerConfig,
    /// Where the token came from; a random one is for the caller to hand over safely.
    pub token_source: SecretSource,
    /// Stop after this long (`--serve-for <secs>`); `None`: until Ctrl-C.
    pub serve_for: Option<Duration>,
}

/// The usage line of `05_vc_api_server`.
pub const SERVER_USAGE: &str = "usage: 05_vc_api_server [--addr <ip:port>] [--db <file>] \
     [--seed-file <file>] [--token-file <file>] [--serve-for <secs>] \
     [--instance <name>=<ed25519|p256|p384|bls12381>[:<suite>,...]]...\n\
     (or the token in VC_API_TOKEN and the seed in VC_ISSUER_SEED)";

/// Parses `05_vc_api_server`'s arguments (without the program name).
pub fn server_args(
    args: impl IntoIterator<Item = String>,
    env: EnvLookup<'_>,
) -> Result<ServerArgs, ArgsError> {
    let mut config = ServerConfig::new(String::new());
    let mut token_file = None;
    let mut seed_file = None;
    let mut serve_for = None;
    let mut instances = Vec::new();
    let mut flags = Flags(args.into_iter());
    while let Some(flag) = flags.next_flag()? {
        let mut value = || flags.value(&flag);
        match flag.as_str() {
            "--addr" => {
                config.addr = value()?
                    .parse::<SocketAddr>()
                    .map_err(|e| ArgsError::Invalid(format!("--addr: {e}")))?
            }
            "--db" => config.db = Some(value()?.into()),
            "--instance" => {
                instances.push(InstanceSpec::parse(&value()?).map_err(ArgsError::Invalid)?)
            }
            "--seed-file" => seed_file = Some(PathBuf::from(value()?)),
            "--token-file" => token_file = Some(PathBuf::from(value()?)),
            "--serve-for" => {
                let secs = value()?
                    .parse::<f64>()
                    .map_err(|e| ArgsError::Invalid(format!("--serve-for: {e}")))?;
                serve_for = Some(
                    Duration::try_from_secs_f64(secs)
                        .map_err(|e| ArgsError::Invalid(format!("--serve-for: {e}")))?,
                );
            }
            other => return Err(ArgsError::Invalid(format!("unknown flag {other}"))),
        }
    }
    let token_source = match secret("--token-file", token_file, TOKEN_ENV, env)? {
        Some((token, source)) => {
            config.token = token;
            source
        }
        None => {
            config.token = random_token();
            SecretSource::Random
        }
    };
    config.seed = secret("--seed-file", seed_file, SEED_ENV, env)?.map(|(seed, _)| seed);
    if !instances.is_empty() {
        config.instances = instances;
    }
    Ok(ServerArgs {
        config,
        token_source,
        serve_for,
    })
}

/// `06_vcalm_coordinator`'s command line (no `Debug`: it holds the token).
pub struct CoordinatorArgs {
    /// The service to drive (`--server <url>`); `None`: start one in-process.
    pub server: Option<String>,
    /// The bearer token (required with `--server`; otherwise the in-process server's, random
    /// when `None`).
    pub token: Option<String>,
    /// Where the interaction URL's QR code goes.
    pub qr_out: PathBuf,
    /// Where the issued credential goes, if anywhere.
    pub credential_out: Option<PathBuf>,
    /// The in-process server's key seed.
    pub seed: Option<String>,
    /// The in-process server's database file.
    pub db: Option<PathBuf>,
}

/// The usage line of `06_vcalm_coordinator`.
pub const COORDINATOR_USAGE: &str = "usage: 06_vcalm_coordinator [--server <url> \
     --token-file <file>] [--qr-out <file.png>] [--credential-out <file.json>] \
     [--seed-file <file>] [--db <file>]\n\
     (or the token in VC_API_TOKEN and the seed in VC_ISSUER_SEED)";

/// Parses `06_vcalm_coordinator`'s arguments (without the program name).
pub fn coordinator_args(
    args: impl IntoIterator<Item = String>,
    env: EnvLookup<'_>,
) -> Result<CoordinatorArgs, ArgsError> {
    let mut parsed = CoordinatorArgs {
        server: None,
        token: None,
        qr_out: PathBuf::from("target/vcalm-qr.png"),
        credential_out: None,
        seed: None,
        db: None,
    };
    let mut token_file = None;
    let mut seed_file = None;
    let mut flags = Flags(args.into_iter());
    while let Some(flag) = flags.next_flag()? {
        let mut value = || flags.value(&flag);
        match flag.as_str() {
            "--server" => parsed.server = Some(value()?),
            "--token-file" => token_file = Some(PathBuf::from(value()?)),
            "--qr-out" => parsed.qr_out = value()?.into(),
            "--credential-out" => parsed.credential_out = Some(value()?.into()),
            "--seed-file" => seed_file = Some(PathBuf::from(value()?)),
            "--db" => parsed.db = Some(value()?.into()),
            other => return Err(ArgsError::Invalid(format!("unknown flag {other}"))),
        }
    }
    parsed.token = secret("--token-file", token_file, TOKEN_ENV, env)?.map(|(token, _)| token);
    parsed.seed = secret("--seed-file", seed_file, SEED_ENV, env)?.map(|(seed, _)| seed);
    if parsed.server.is_some() && parsed.token.is_none() {
        return Err(ArgsError::Invalid(format!(
            "--server needs the service's token: set {TOKEN_ENV} or pass --token-file <file>"
        )));
    }
    Ok(parsed)
}

/// A command line read as flags, each flag followed by its value where it takes one.
struct Flags<I>(I);

impl<I: Iterator<Item = String>> Flags<I> {
    /// The next flag; `--help`/`-h` is [`ArgsError::Help`], and secrets are refused on the
    /// command line.
    fn next_flag(&mut self) -> Result<Option<String>, ArgsError> {
        let Some(flag) = self.0.next() else {
            return Ok(None);
        };
        refuse_secret_flags(&flag)?;
        if flag == "--help" || flag == "-h" {
            return Err(ArgsError::Help);
        }
        Ok(Some(flag))
    }

    /// The value that follows `flag`.
    fn value(&mut self, flag: &str) -> Result<String, ArgsError> {
        self.0
            .next()
            .ok_or_else(|| ArgsError::Invalid(format!("{flag} needs a value")))
    }
}

/// Refuses `--token`/`--seed` (and their `--flag=value` forms) without repeating the value.
fn refuse_secret_flags(flag: &str) -> Result<(), ArgsError> {
    let name = flag.split_once('=').map_or(flag, |(name, _)| name);
    let (env, file_flag) = match name {
        "--token" => (TOKEN_ENV, "--token-file"),
        "--seed" => (SEED_ENV, "--seed-file"),
        _ => return Ok(()),
    };
    Err(ArgsError::Invalid(format!(
        "{name} is not accepted: the command line is visible to every user of the machine; \
         set {env} or pass {file_flag} <file> instead"
    )))
}

/// The secret from `file` if given, else from the environment variable `var`, else `None`.
fn secret(
    file_flag: &str,
    file: Option<PathBuf>,
    var: &'static str,
    env: EnvLookup<'_>,
) -> Result<Option<(String, SecretSource)>, ArgsError> {
    let (text, source, origin) = match file {
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| ArgsError::Invalid(format!("{file_flag} {}: {e}", path.display())))?;
            let origin = format!("{file_flag} {}", path.display());
            (text, SecretSource::File(path), origin)
        }
        None => match env(var) {
            None => return Ok(None),
            Some(value) => {
                let text = value
                    .into_string()
                    .map_err(|_| ArgsError::Invalid(format!("{var} is not valid UTF-8")))?;
                (text, SecretSource::Env(var), var.to_owned())
            }
        },
    };
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(ArgsError::Invalid(format!("{origin} is empty")));
    }
    Ok(Some((trimmed.to_owned(), source)))
}

/// Writes `secret` to a new file at `path` that only its owner can read (mode `0600` on Unix),
/// refusing to replace an existing file (or follow a symlink planted there).
pub fn write_secret_file(path: &Path, secret: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(secret.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn env_of(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let vars: HashMap<String, OsString> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), OsString::from(*v)))
            .collect();
        move |name| vars.get(name).cloned()
    }

    fn invalid(error: Option<ArgsError>) -> String {
        match error {
            Some(ArgsError::Invalid(message)) => message,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    const SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

    #[test]
    fn secrets_on_the_command_line_are_refused_without_echoing_them() {
        let no_env = env_of(&[]);
        for (list, names) in [
            (
                vec!["--token", "s3cret"],
                ["--token", TOKEN_ENV, "--token-file"],
            ),
            (
                vec!["--token=s3cret"],
                ["--token", TOKEN_ENV, "--token-file"],
            ),
            (
                vec!["--seed", "s3cret"],
                ["--seed", SEED_ENV, "--seed-file"],
            ),
            (
                vec!["--db", "x.db", "--seed=s3cret"],
                ["--seed", SEED_ENV, "--seed-file"],
            ),
        ] {
            for message in [
                invalid(server_args(args(&list), &no_env).err()),
                invalid(coordinator_args(args(&list), &no_env).err()),
            ] {
                for name in names {
                    assert!(message.contains(name), "{list:?}: {message}");
                }
                assert!(!message.contains("s3cret"), "{message}");
            }
        }
    }

    #[test]
    fn the_server_reads_its_secrets_from_the_environment() {
        let env = env_of(&[(TOKEN_ENV, "env-token\n"), (SEED_ENV, SEED)]);
        let parsed = server_args(args(&["--serve-for", "2"]), &env).unwrap();
        assert_eq!(parsed.config.token, "env-token");
        assert_eq!(parsed.config.seed.as_deref(), Some(SEED));
        assert_eq!(parsed.token_source, SecretSource::Env(TOKEN_ENV));
        assert_eq!(parsed.serve_for, Some(Duration::from_secs(2)));
    }

    #[test]
    fn files_win_over_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let token_file = dir.path().join("token");
        let seed_file = dir.path().join("seed");
        std::fs::write(&token_file, "  file-token\n").unwrap();
        std::fs::write(&seed_file, format!("{SEED}\n")).unwrap();
        let env = env_of(&[(TOKEN_ENV, "env-token"), (SEED_ENV, "00")]);
        let list = [
            "--token-file",
            token_file.to_str().unwrap(),
            "--seed-file",
            seed_file.to_str().unwrap(),
        ];
        let parsed = server_args(args(&list), &env).unwrap();
        assert_eq!(parsed.config.token, "file-token");
        assert_eq!(parsed.config.seed.as_deref(), Some(SEED));
        assert_eq!(parsed.token_source, SecretSource::File(token_file.clone()));
        let parsed = coordinator_args(args(&list), &env).unwrap();
        assert_eq!(parsed.token.as_deref(), Some("file-token"));
        assert_eq!(parsed.seed.as_deref(), Some(SEED));
    }

    #[test]
    fn nothing_given_means_a_random_token_and_key() {
        let no_env = env_of(&[]);
        let a = server_args(Vec::new(), &no_env).unwrap();
        let b = server_args(Vec::new(), &no_env).unwrap();
        assert_eq!(a.token_source, SecretSource::Random);
        assert_eq!(a.config.token.len(), 48);
        assert_ne!(a.config.token, b.config.token);
        assert_eq!(a.config.seed, None);
        let c = coordinator_args(Vec::new(), &no_env).unwrap();
        assert_eq!((c.token, c.seed, c.server), (None, None, None));
    }

    #[test]
    fn unusable_secret_sources_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty");
        std::fs::write(&empty, "\n").unwrap();
        let missing = dir.path().join("missing");
        let no_env = env_of(&[]);
        for list in [
            vec!["--token-file", empty.to_str().unwrap()],
            vec!["--seed-file", missing.to_str().unwrap()],
            vec!["--token-file"],
        ] {
            invalid(server_args(args(&list), &no_env).err());
        }
        let message = invalid(server_args(Vec::new(), &env_of(&[(TOKEN_ENV, " ")])).err());
        assert!(message.contains(TOKEN_ENV), "{message}");
    }

    #[test]
    fn a_remote_server_needs_a_token_from_the_environment_or_a_file() {
        let url = "http://127.0.0.1:8080";
        let message = invalid(coordinator_args(args(&["--server", url]), &env_of(&[])).err());
        assert!(
            message.contains(TOKEN_ENV) && message.contains("--token-file"),
            "{message}"
        );
        let parsed =
            coordinator_args(args(&["--server", url]), &env_of(&[(TOKEN_ENV, "t")])).unwrap();
        assert_eq!(parsed.server.as_deref(), Some(url));
        assert_eq!(parsed.token.as_deref(), Some("t"));
    }

    #[test]
    fn secret_files_are_private_and_never_replace_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        write_secret_file(&path, "abc").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "abc\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let error = write_secret_file(&path, "other").unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "abc\n");
    }
}
