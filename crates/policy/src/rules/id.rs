//! Rule ids as a type: every id once, with its kebab-case name for output, configuration and
//! `explain`, so code compares ids as values, never as strings.

use std::fmt;
use std::str::FromStr;

macro_rules! rule_ids {
    ($($variant:ident = $name:literal,)*) => {
        /// A rule's stable id; [`RuleId::as_str`] is its kebab-case name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum RuleId {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant,
            )*
        }

        impl RuleId {
            /// Every id, in documentation order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant),*];

            /// The kebab-case name, as in output, configuration and the README.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $name,)*
                }
            }
        }
    };
}

rule_ids! {
    SubjectTree = "subject-tree",
    SubjectTreeUnknown = "subject-tree-unknown",
    SubjectVersion = "subject-version",
    SubjectFormat = "subject-format",
    FixesRequired = "fixes-required",
    FixesAdvised = "fixes-advised",
    FixesFormat = "fixes-format",
    FixesCommit = "fixes-commit",
    FixesTree = "fixes-tree",
    MessageEmpty = "message-empty",
    SignoffMissing = "signoff-missing",
    SignoffAuthor = "signoff-author",
    TrailerTypo = "trailer-typo",
    NoStableCc = "no-stable-cc",
    SeriesCoverLetter = "series-cover-letter",
    SeriesTooLong = "series-too-long",
    CoverLetterPlaceholder = "cover-letter-placeholder",
    CoverLetterEmpty = "cover-letter-empty",
    SeriesConsistency = "series-consistency",
    SeriesChangelog = "series-changelog",
    ChangelogPlacement = "changelog-placement",
    RecipientList = "recipient-list",
    RepostTooSoon = "repost-too-soon",
    NewVersionThread = "new-version-thread",
    VersionSequence = "version-sequence",
    AppliesToTree = "applies-to-tree",
    MaintainersList = "maintainers-list",
    MaintainersCc = "maintainers-cc",
    FixesAuthorCc = "fixes-author-cc",
    VerifierSelftests = "verifier-selftests",
    JitTests = "jit-tests",
    UapiToolsSync = "uapi-tools-sync",
    SamplesNotSelftests = "samples-not-selftests",
    MergeWindow = "merge-window",
    FixupCommit = "fixup-commit",
    PullRequestSubject = "pull-request-subject",
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // pad, not write_str: `{:<width$}` in tables lines ids up as the strings did.
        f.pad(self.as_str())
    }
}

// Ordered by name, as the strings they replace were: sorted output stays the same.
impl PartialOrd for RuleId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for RuleId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

/// A name that is no rule's id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a rule id (`bpf-policy rules` lists them)")]
pub struct UnknownRule(pub String);

impl FromStr for RuleId {
    type Err = UnknownRule;

    /// The exact kebab-case name.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RuleId::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRule(s.to_owned()))
    }
}

impl PartialEq<RuleId> for &RuleId {
    fn eq(&self, other: &RuleId) -> bool {
        **self == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for id in RuleId::ALL {
            assert_eq!(id.as_str().parse::<RuleId>(), Ok(*id));
            assert_eq!(id.to_string(), id.as_str());
        }
        assert!("Subject-Tree".parse::<RuleId>().is_err());
    }
}
