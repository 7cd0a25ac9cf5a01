//! SQL text built by hand (keyset pages, path chains), with the placeholders of the
//! connection's dialect: `?` on SQLite, `$n` on PostgreSQL.

use std::fmt::Write as _;

use sea_orm::{DbBackend, Statement};

/// A statement under construction, with placeholders of the connection's dialect.
pub(crate) struct Sql {
    pub(crate) backend: DbBackend,
    pub(crate) text: String,
    values: Vec<sea_orm::Value>,
}

impl Sql {
    pub(crate) fn new(backend: DbBackend) -> Self {
        Self {
            backend,
            text: String::with_capacity(256),
            values: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    pub(crate) fn bind(&mut self, v: impl Into<sea_orm::Value>) -> &mut Self {
        self.values.push(v.into());
        if self.backend == DbBackend::Postgres {
            let _ = write!(self.text, "${}", self.values.len());
        } else {
            self.text.push('?');
        }
        self
    }

    pub(crate) fn statement(self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text, self.values)
    }
}
