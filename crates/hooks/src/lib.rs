//! Shared code of the hook binaries.
