//! Library errors: each names the file (or input) and what is wrong with it.

use std::path::PathBuf;

/// An error that says which input it is about.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or stdin could not be read or made sense of.
    #[error("{}: {message}", path.display())]
    Input { path: PathBuf, message: String },
    /// The command line or a policy asked for something that cannot be done.
    #[error("{0}")]
    Usage(String),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub fn input(path: impl Into<PathBuf>, message: impl Into<String>) -> Error {
        Error::Input {
            path: path.into(),
            message: message.into(),
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
