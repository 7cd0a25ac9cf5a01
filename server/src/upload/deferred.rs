//! Writes of a batch of publishes ([`super::commit`]) whose results nothing waits for (the
//! links between new files and their versions, the journal rows, the owners' storage), sent
//! to the database together in one round trip instead of one statement each. Each statement
//! is a round trip to SQLite's connection thread or to the PostgreSQL server, inside the one
//! transaction every small write waits for in turn.
//!
//! On SQLite they go as one string of statements (SQLite runs them one after another with
//! their parameters in order); on PostgreSQL as one statement, all but the last as
//! data-modifying `WITH` queries. Either way they run in the order they were added, and a
//! failing one fails the whole, as it would have failed the transaction alone.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, QueryTrait, Statement};

/// Statements waiting to be sent.
#[derive(Default)]
pub(super) struct Deferred(Vec<Statement>);

impl Deferred {
    /// Adds a write (an insert, update or delete without `RETURNING`).
    pub(super) fn push(&mut self, backend: DbBackend, query: &impl QueryTrait) {
        self.0.push(query.build(backend));
    }

    /// Sends what is waiting, in one round trip.
    pub(super) async fn run(&mut self, conn: &impl ConnectionTrait) -> Result<(), DbErr> {
        let statements = std::mem::take(&mut self.0);
        let statement = match statements.len() {
            0 => return Ok(()),
            1 => statements.into_iter().next().expect("one"),
            _ => match conn.get_database_backend() {
                DbBackend::Sqlite => joined(statements),
                DbBackend::Postgres => chained(statements),
                _ => {
                    for statement in statements {
                        conn.execute_raw(statement).await?;
                    }
                    return Ok(());
                }
            },
        };
        conn.execute_raw(statement).await?;
        Ok(())
    }
}

/// SQLite: one string of statements, their parameters (`?`) one after another.
fn joined(statements: Vec<Statement>) -> Statement {
    let mut sql = String::new();
    let mut values = Vec::new();
    for s in statements {
        sql.push_str(&s.sql);
        sql.push_str(";\n");
        values.extend(s.values.map(|v| v.0).unwrap_or_default());
    }
    Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)
}

/// PostgreSQL: `WITH d0 AS (first), d1 AS (second) last`, each statement's parameters
/// (`$1`…) renumbered after those of the statements before it.
fn chained(statements: Vec<Statement>) -> Statement {
    let count = statements.len();
    let mut sql = String::from("WITH ");
    let mut values = Vec::new();
    for (i, s) in statements.into_iter().enumerate() {
        let own = s.values.map(|v| v.0).unwrap_or_default();
        let renumbered = renumber(&s.sql, values.len());
        values.extend(own);
        if i + 1 < count {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("d{i} AS ({renumbered})"));
        } else {
            sql.push(' ');
            sql.push_str(&renumbered);
        }
    }
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

/// `$n` → `$(n + offset)`. The statements come from the query builder, which puts every
/// value in a parameter: a `$` followed by digits is always one.
fn renumber(sql: &str, offset: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c != '$' {
            continue;
        }
        let mut digits = String::new();
        while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            digits.push(*d);
            chars.next();
        }
        match digits.parse::<usize>() {
            Ok(n) => out.push_str(&(n + offset).to_string()),
            Err(_) => out.push_str(&digits),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use sea_orm::{DbBackend, Statement};

    use super::{chained, joined, renumber};

    #[test]
    fn parameters_are_renumbered_after_the_earlier_statements() {
        assert_eq!(
            renumber("INSERT INTO t VALUES ($1, $2)", 3),
            "INSERT INTO t VALUES ($4, $5)"
        );
        assert_eq!(renumber("SELECT $10 + $9", 1), "SELECT $11 + $10");
        assert_eq!(renumber("no parameters", 5), "no parameters");
    }

    #[test]
    fn statements_go_as_one() {
        let pg = |sql: &str, v: Vec<i64>| {
            Statement::from_sql_and_values(DbBackend::Postgres, sql, v.into_iter().map(Into::into))
        };
        let s = chained(vec![
            pg("INSERT INTO a VALUES ($1, $2)", vec![1, 2]),
            pg("INSERT INTO b VALUES ($1)", vec![3]),
            pg("UPDATE c SET x = $1 WHERE id = $2", vec![4, 5]),
        ]);
        assert_eq!(
            s.sql,
            "WITH d0 AS (INSERT INTO a VALUES ($1, $2)), d1 AS (INSERT INTO b VALUES ($3)) \
             UPDATE c SET x = $4 WHERE id = $5"
        );
        assert_eq!(s.values.unwrap().0.len(), 5);
        let lite = |sql: &str, v: Vec<i64>| {
            Statement::from_sql_and_values(DbBackend::Sqlite, sql, v.into_iter().map(Into::into))
        };
        let s = joined(vec![
            lite("INSERT INTO a VALUES (?, ?)", vec![1, 2]),
            lite("UPDATE c SET x = ?", vec![3]),
        ]);
        assert_eq!(s.sql, "INSERT INTO a VALUES (?, ?);\nUPDATE c SET x = ?;\n");
        assert_eq!(s.values.unwrap().0.len(), 3);
    }
}
