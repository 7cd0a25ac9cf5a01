//! Helpers shared by the migrations. Not a migration itself.

use sea_orm_migration::{prelude::*, schema::*};

/// Columns every table (or almost every table) has.
#[derive(DeriveIden)]
pub(crate) enum Common {
    Id,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
}

/// `CREATE TABLE` with `id` (BIGINT auto-increment primary key), `created_at` and `updated_at`
/// (`TIMESTAMP WITH TIME ZONE`, default now). Add the table's own columns to the result.
pub(crate) fn base_table<T: IntoIden + 'static>(table: T) -> TableCreateStatement {
    Table::create()
        .table(table)
        .col(big_pk_auto(Common::Id))
        .col(timestamp_with_time_zone_default_now(Common::CreatedAt))
        .col(timestamp_with_time_zone_default_now(Common::UpdatedAt))
        .take()
}

/// [`base_table`] plus the nullable `deleted_at` soft-delete column.
pub(crate) fn soft_delete_table<T: IntoIden + 'static>(table: T) -> TableCreateStatement {
    base_table(table)
        .col(timestamp_with_time_zone_null(Common::DeletedAt))
        .take()
}

/// A named foreign key `from_table.from_col -> to_table.id`, `ON UPDATE CASCADE`.
///
/// Declared inside `CREATE TABLE` because SQLite cannot add constraints later.
pub(crate) fn fk<F, C, T>(
    name: &str,
    from_table: F,
    from_col: C,
    to_table: T,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement
where
    F: IntoIden + 'static,
    C: IntoIden + 'static,
    T: IntoIden + 'static,
{
    ForeignKey::create()
        .name(name)
        .from(from_table, from_col)
        .to(to_table, Common::Id)
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::Cascade)
        .take()
}

/// Drop the given tables, in the order given.
pub(crate) async fn drop_tables(
    manager: &SchemaManager<'_>,
    tables: Vec<DynIden>,
) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(table).to_owned())
            .await?;
    }
    Ok(())
}
