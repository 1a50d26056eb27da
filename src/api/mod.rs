//! The three HTTP APIs as data: request builders and typed responses.
