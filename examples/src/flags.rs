//! The `--flag value` command lines of the examples.

/// Walks `args` flag by flag: `on_flag(flag, value)` handles one, where `value()` takes the next
/// argument (an error naming the flag when there is none). The first error stops the walk.
pub fn each_flag(
    args: impl IntoIterator<Item = String>,
    mut on_flag: impl FnMut(&str, &mut dyn FnMut() -> Result<String, String>) -> Result<(), String>,
) -> Result<(), String> {
    let mut it = args.into_iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        on_flag(&flag, &mut value)?;
    }
    Ok(())
}
