//! The AdminList request every admin list takes (spec §14.1): a numbered page, a sort column
//! from the list's own set, and filters ("conditions" and "searches") from the list's own
//! keys. An unknown sort column or filter key is refused, naming it; an empty filter value
//! means no filter, as the admin console sends one for every field of its form.

use std::{collections::BTreeMap, str::FromStr};

use sea_orm::{
    ConnectionTrait, EntityTrait, FromQueryResult, Order, PaginatorTrait, QueryOrder, QuerySelect,
    Select,
    sea_query::{Expr, ExprTrait, Func, LikeExpr, SimpleExpr},
};

use super::AdminError;

/// Largest page an admin list answers (the `max_page_size` default).
pub const MAX_PAGE_SIZE: u64 = 2000;

/// A checked AdminList request.
#[derive(Debug, Clone)]
pub struct ListQuery {
    /// 1-based page number.
    pub page: u64,
    pub page_size: u64,
    /// Sort column; `id` when empty.
    pub order_by: String,
    pub descending: bool,
    pub conditions: BTreeMap<String, String>,
    pub searches: BTreeMap<String, String>,
}

impl ListQuery {
    /// Checks the numbers and the direction; filters with empty values are dropped.
    pub fn new(
        page: i64,
        page_size: i64,
        order_by: Option<&str>,
        order_direction: Option<&str>,
        conditions: impl IntoIterator<Item = (String, String)>,
        searches: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, AdminError> {
        if page < 1 {
            return Err(AdminError::invalid("page: must be 1 or more"));
        }
        if page_size < 1 || page_size as u64 > MAX_PAGE_SIZE {
            return Err(AdminError::invalid(format!(
                "page_size: must be between 1 and {MAX_PAGE_SIZE}"
            )));
        }
        let descending = match order_direction.map(str::trim).unwrap_or_default() {
            "" | "asc" | "ASC" => false,
            "desc" | "DESC" => true,
            other => {
                return Err(AdminError::invalid(format!(
                    "order_direction: {other:?} is neither asc nor desc"
                )));
            }
        };
        let keep = |(k, v): (String, String)| {
            let v = v.trim().to_owned();
            (!v.is_empty()).then_some((k, v))
        };
        Ok(Self {
            page: page as u64,
            page_size: page_size as u64,
            order_by: order_by.map(str::trim).unwrap_or_default().to_owned(),
            descending,
            conditions: conditions.into_iter().filter_map(keep).collect(),
            searches: searches.into_iter().filter_map(keep).collect(),
        })
    }

    /// A query for the first `page_size` rows by id, without filters.
    pub fn first(page_size: u64) -> Self {
        Self {
            page: 1,
            page_size,
            order_by: String::new(),
            descending: false,
            conditions: BTreeMap::new(),
            searches: BTreeMap::new(),
        }
    }

    /// Refuses filter keys this list does not know.
    pub fn allow(&self, conditions: &[&str], searches: &[&str]) -> Result<(), AdminError> {
        if let Some(key) = self
            .conditions
            .keys()
            .find(|k| !conditions.contains(&k.as_str()))
        {
            return Err(AdminError::invalid(format!(
                "conditions: unknown key {key:?} (known: {})",
                conditions.join(", ")
            )));
        }
        if let Some(key) = self
            .searches
            .keys()
            .find(|k| !searches.contains(&k.as_str()))
        {
            return Err(AdminError::invalid(format!(
                "searches: unknown key {key:?} (known: {})",
                searches.join(", ")
            )));
        }
        Ok(())
    }

    /// A filter's text, from `conditions` or else `searches`.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.conditions
            .get(key)
            .or_else(|| self.searches.get(key))
            .map(String::as_str)
    }

    /// A filter that must be a whole number.
    pub fn int(&self, key: &str) -> Result<Option<i64>, AdminError> {
        self.text(key)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| AdminError::invalid(format!("{key}: {v:?} is not a number")))
            })
            .transpose()
    }

    /// A filter holding a comma-separated list of whole numbers.
    pub fn ints(&self, key: &str) -> Result<Option<Vec<i64>>, AdminError> {
        self.text(key)
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| {
                        s.parse::<i64>().map_err(|_| {
                            AdminError::invalid(format!("{key}: {s:?} is not a number"))
                        })
                    })
                    .collect()
            })
            .transpose()
    }

    /// Rows skipped before this page, at most `i64::MAX`: the database binds offsets as
    /// signed 64-bit numbers, and a page that far out is simply empty.
    pub fn offset(&self) -> u64 {
        let skipped = (self.page - 1).saturating_mul(self.page_size);
        std::cmp::Ord::min(skipped, i64::MAX as u64)
    }
}

/// A case-insensitive "contains `text`" test on `column`, matching `text` literally.
pub fn contains<E: EntityTrait>(column: E::Column, text: &str) -> SimpleExpr
where
    E::Column: sea_orm::IdenStatic,
{
    let pattern = format!("%{}%", crate::users::escape_like(&text.to_lowercase()));
    Func::lower(Expr::col((E::default(), column))).like(LikeExpr::new(pattern).escape('\\'))
}

/// One page of rows and how many rows all pages hold.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub total: u64,
}

impl<T> Page<T> {
    /// The same page with each row turned into something else.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            rows: self.rows.into_iter().map(f).collect(),
            total: self.total,
        }
    }
}

/// Counts what `select` matches, then reads the page `q` asks for, sorted by one of
/// `sortable` (column names) and then by id, so that equal values keep a stable order.
pub async fn fetch<E>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    q: &ListQuery,
    sortable: &[&str],
) -> Result<Page<E::Model>, AdminError>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
    E::Column: FromStr,
{
    let name = if q.order_by.is_empty() {
        "id"
    } else {
        q.order_by.as_str()
    };
    if name != "id" && !sortable.contains(&name) {
        return Err(AdminError::invalid(format!(
            "order_by: cannot sort by {name:?} (possible: id, {})",
            sortable.join(", ")
        )));
    }
    let column = |n: &str| {
        E::Column::from_str(n)
            .map_err(|_| AdminError::invalid(format!("order_by: no column {n:?}")))
    };
    let order = if q.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    let total = select.clone().count(db).await?;
    let mut select = select.order_by(column(name)?, order.clone());
    if name != "id" {
        select = select.order_by(column("id")?, order);
    }
    let rows = select.offset(q.offset()).limit(q.page_size).all(db).await?;
    Ok(Page { rows, total })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn requests_are_checked() {
        assert!(ListQuery::new(0, 10, None, None, [], []).is_err());
        assert!(ListQuery::new(1, 0, None, None, [], []).is_err());
        assert!(ListQuery::new(1, 2001, None, None, [], []).is_err());
        assert!(ListQuery::new(1, 10, None, Some("up"), [], []).is_err());
        let q = ListQuery::new(
            3,
            10,
            Some("name"),
            Some("desc"),
            pairs(&[("a", " 1 "), ("b", "")]),
            [],
        )
        .unwrap();
        assert_eq!(q.offset(), 20);
        let far = ListQuery::new(i64::MAX - 1, 248, None, None, [], []).unwrap();
        assert_eq!(far.offset(), i64::MAX as u64);
        assert!(q.descending);
        assert_eq!(q.text("a"), Some("1"));
        assert_eq!(q.text("b"), None);
        assert!(q.allow(&["a", "b"], &[]).is_ok());
        assert!(q.allow(&["b"], &[]).is_err());
        assert_eq!(q.int("a").unwrap(), Some(1));
        let q = ListQuery::new(1, 10, None, None, pairs(&[("ids", "1, 2,x")]), []).unwrap();
        assert!(q.ints("ids").is_err());
    }
}
