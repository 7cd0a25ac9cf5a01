//! `QueryBool`: the type of every boolean query parameter.
//!
//! Cloudreve binds query booleans with Go's `strconv.ParseBool` (through gin, which reads an
//! empty value as false), and clients follow it: the `cloudreve` Python SDK sends
//! `extended=True`, others `1` or `t`. poem's own `bool` takes only `true` and `false`, so
//! every boolean query parameter is a `QueryBool`; anything outside Go's set is refused with
//! the parse error (40001) naming the parameter. It is described as `boolean` in the document.

use std::borrow::Cow;

use poem_openapi::{
    registry::{MetaSchema, MetaSchemaRef},
    types::{ParseError, ParseFromParameter, ParseResult, Type},
};

/// A boolean query parameter, spelled as Go's `strconv.ParseBool` accepts it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueryBool(pub bool);

impl QueryBool {
    /// The value; an absent parameter is false.
    pub fn of(param: Option<QueryBool>) -> bool {
        param.is_some_and(|b| b.0)
    }
}

/// Go's `strconv.ParseBool`, plus the empty value gin reads as false.
pub fn parse(value: &str) -> Option<bool> {
    match value {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "" | "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

impl Type for QueryBool {
    const IS_REQUIRED: bool = true;

    type RawValueType = bool;

    type RawElementValueType = bool;

    fn name() -> Cow<'static, str> {
        "boolean".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema::new("boolean")))
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(&self.0)
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl ParseFromParameter for QueryBool {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        parse(value).map(QueryBool).ok_or_else(|| {
            ParseError::custom(format!(
                "{value:?} is not a boolean (1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False)"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_spellings_parse_and_others_do_not() {
        for t in ["1", "t", "T", "TRUE", "true", "True"] {
            assert_eq!(parse(t), Some(true), "{t}");
        }
        for f in ["", "0", "f", "F", "FALSE", "false", "False"] {
            assert_eq!(parse(f), Some(false), "{f}");
        }
        for bad in ["yes", "no", "2", "tRuE", "on", " true", "true ", "-1"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
