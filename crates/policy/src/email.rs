//! Patch emails as `git format-patch` and `git send-email` write them.

/// Addresses a patch is sent to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recipients {
    /// `To:` addresses, each with the line it was found on (0 if unknown).
    pub to: Vec<(String, usize)>,
    /// `Cc:` addresses (and `Bcc:`), each with its line.
    pub cc: Vec<(String, usize)>,
}
