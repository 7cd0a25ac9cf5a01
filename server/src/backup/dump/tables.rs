//! The tables a dump holds, and how one table is paged out and written back.

use std::marker::PhantomData;

use async_trait::async_trait;
use sea_orm::{
    ActiveModelTrait, Condition, DatabaseTransaction, DbErr, EntityTrait, IntoActiveModel, Order,
    QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Alias, Expr, ExprTrait},
};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;
use stratus_entity::{
    backup_record, backup_target, backup_task, dav_account, direct_link, entity, event, file,
    file_entity, group, kv, lock, metadata, node, passkey, setting, share, storage_policy, task,
    upload_session, user,
};

/// Rows read per query on export.
pub(super) const PAGE: u64 = 500;

/// One table of the dump.
#[async_trait]
pub(super) trait Table: Send + Sync {
    fn name(&self) -> &'static str;
    /// Columns of the primary key (all i64), which order the rows and page them.
    fn key(&self) -> &'static [&'static str];
    /// Up to [`PAGE`] rows whose key follows `after`, in key order.
    async fn page(
        &self,
        db: &DatabaseTransaction,
        after: Option<&[i64]>,
    ) -> Result<Vec<Value>, DbErr>;
    /// Inserts rows given in their dump form.
    async fn insert(
        &self,
        db: &DatabaseTransaction,
        rows: Vec<Value>,
    ) -> Result<(), super::DumpError>;
    /// True when the table has no row.
    async fn is_empty(&self, db: &DatabaseTransaction) -> Result<bool, DbErr>;
}

struct Of<E>(&'static [&'static str], PhantomData<E>);

const ID: &[&str] = &["id"];

/// Every table, each after the tables its foreign keys point to. `files.parent_id` points into
/// `files` itself; import fills it in once every file is there.
pub(super) fn all() -> Vec<Box<dyn Table>> {
    vec![
        Box::new(Of::<node::Entity>(ID, PhantomData)),
        Box::new(Of::<storage_policy::Entity>(ID, PhantomData)),
        Box::new(Of::<group::Entity>(ID, PhantomData)),
        Box::new(Of::<user::Entity>(ID, PhantomData)),
        Box::new(Of::<file::Entity>(ID, PhantomData)),
        Box::new(Of::<entity::Entity>(ID, PhantomData)),
        Box::new(Of::<file_entity::Entity>(
            &["file_id", "entity_id"],
            PhantomData,
        )),
        Box::new(Of::<metadata::Entity>(ID, PhantomData)),
        Box::new(Of::<share::Entity>(ID, PhantomData)),
        Box::new(Of::<direct_link::Entity>(ID, PhantomData)),
        Box::new(Of::<dav_account::Entity>(ID, PhantomData)),
        Box::new(Of::<passkey::Entity>(ID, PhantomData)),
        Box::new(Of::<task::Entity>(ID, PhantomData)),
        Box::new(Of::<kv::Entity>(ID, PhantomData)),
        Box::new(Of::<lock::Entity>(ID, PhantomData)),
        Box::new(Of::<upload_session::Entity>(ID, PhantomData)),
        Box::new(Of::<event::Entity>(ID, PhantomData)),
        Box::new(Of::<setting::Entity>(ID, PhantomData)),
        Box::new(Of::<backup_target::Entity>(ID, PhantomData)),
        Box::new(Of::<backup_task::Entity>(ID, PhantomData)),
        Box::new(Of::<backup_record::Entity>(ID, PhantomData)),
    ]
}

/// Rows after `after` in the order of `key`: `(a > x) OR (a = x AND b > y) …`.
fn after_condition(key: &[&'static str], after: &[i64]) -> Condition {
    let mut any = Condition::any();
    for i in 0..key.len() {
        let mut all = Condition::all();
        for j in 0..i {
            all = all.add(Expr::col(Alias::new(key[j])).eq(after[j]));
        }
        all = all.add(Expr::col(Alias::new(key[i])).gt(after[i]));
        any = any.add(all);
    }
    any
}

#[async_trait]
impl<E> Table for Of<E>
where
    E: EntityTrait + Default + Send + Sync,
    E::Model: Serialize + DeserializeOwned + IntoActiveModel<E::ActiveModel> + Send + Sync,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    fn name(&self) -> &'static str {
        E::default().table_name()
    }

    fn key(&self) -> &'static [&'static str] {
        self.0
    }

    async fn page(
        &self,
        db: &DatabaseTransaction,
        after: Option<&[i64]>,
    ) -> Result<Vec<Value>, DbErr> {
        let mut query = E::find();
        if let Some(after) = after {
            query = query.filter(after_condition(self.0, after));
        }
        for column in self.0 {
            query = query.order_by(Expr::col(Alias::new(*column)), Order::Asc);
        }
        let rows = query.limit(PAGE).all(db).await?;
        rows.iter()
            .map(|row| serde_json::to_value(row).map_err(|e| DbErr::Custom(e.to_string())))
            .collect()
    }

    async fn insert(
        &self,
        db: &DatabaseTransaction,
        rows: Vec<Value>,
    ) -> Result<(), super::DumpError> {
        let mut models = Vec::with_capacity(rows.len());
        for row in rows {
            let model: E::Model = serde_json::from_value(row)
                .map_err(|e| super::DumpError::Invalid(format!("a row of {}: {e}", self.name())))?;
            // Every column is written as it was, the id included.
            models.push(model.into_active_model().reset_all());
        }
        E::insert_many(models).exec_without_returning(db).await?;
        Ok(())
    }

    async fn is_empty(&self, db: &DatabaseTransaction) -> Result<bool, DbErr> {
        Ok(E::find().one(db).await?.is_none())
    }
}
