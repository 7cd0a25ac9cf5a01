//! `ApiJson<T>`: a JSON request body like poem-openapi's `Json<T>`, whose parse errors name
//! the offending field (`count: expected integer`), so clients learn what to fix.
//!
//! The typed parse is poem-openapi's own; only when it fails is the JSON walked against the
//! type's OpenAPI schema to find the first missing or mistyped field.

use std::ops::Deref;

use poem::{FromRequest, Request, RequestBody};
use poem_openapi::{
    impl_apirequest_for_payload,
    payload::{ParsePayload, Payload},
    registry::{MetaSchema, MetaSchemaRef, Registry},
    types::{ParseFromJSON, Type},
};
use serde_json::Value;

use super::envelope::{ApiError, ErrorCode};

/// A JSON request body of type `T`.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T> Deref for ApiJson<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Type> Payload for ApiJson<T> {
    const CONTENT_TYPE: &'static str = "application/json; charset=utf-8";

    fn check_content_type(content_type: &str) -> bool {
        let essence = content_type.split(';').next().unwrap_or_default().trim();
        essence.eq_ignore_ascii_case("application/json")
            || essence.to_ascii_lowercase().ends_with("+json")
    }

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: ParseFromJSON> ParsePayload for ApiJson<T> {
    const IS_REQUIRED: bool = T::IS_REQUIRED;

    async fn from_request(request: &Request, body: &mut RequestBody) -> poem::Result<Self> {
        let data = Vec::<u8>::from_request(request, body).await?;
        let value = if data.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&data).map_err(|e| {
                ApiError::new(ErrorCode::ParamError, format!("malformed JSON body: {e}"))
            })?
        };
        match T::parse_from_json(Some(value.clone())) {
            Ok(parsed) => Ok(Self(parsed)),
            Err(err) => {
                let mut registry = Registry::new();
                T::register(&mut registry);
                let msg = locate(&value, &T::schema_ref(), &registry, "")
                    .unwrap_or_else(|| err.into_message());
                Err(ApiError::new(ErrorCode::ParamError, msg).into())
            }
        }
    }
}

impl_apirequest_for_payload!(ApiJson<T>, T: ParseFromJSON);

fn resolve<'a>(schema: &'a MetaSchemaRef, registry: &'a Registry) -> Option<&'a MetaSchema> {
    match schema {
        MetaSchemaRef::Inline(schema) => Some(schema),
        MetaSchemaRef::Reference(name) => registry.schemas.get(name),
    }
}

fn field(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

fn type_matches(ty: &str, value: &Value) -> bool {
    match ty {
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

/// The first field of `value` that does not fit `schema`, as a message.
fn locate(
    value: &Value,
    schema: &MetaSchemaRef,
    registry: &Registry,
    path: &str,
) -> Option<String> {
    let schema = resolve(schema, registry)?;
    let what = if path.is_empty() { "body" } else { path };
    if value.is_null() && !schema.nullable {
        return Some(format!("{what} is required"));
    }
    if !type_matches(schema.ty, value) {
        return Some(format!("{what}: expected {}", schema.ty));
    }
    match value {
        Value::Object(map) => {
            for name in &schema.required {
                if map.get(*name).is_none_or(Value::is_null) {
                    return Some(format!("{} is required", field(path, name)));
                }
            }
            schema.properties.iter().find_map(|(name, sub)| {
                let v = map.get(*name).filter(|v| !v.is_null())?;
                locate(v, sub, registry, &field(path, name))
            })
        }
        Value::Array(items) => {
            let item_schema = schema.items.as_deref()?;
            items
                .iter()
                .enumerate()
                .find_map(|(i, v)| locate(v, item_schema, registry, &format!("{what}[{i}]")))
        }
        _ => None,
    }
}
