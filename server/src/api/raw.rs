//! One type for the answers a handler writes itself (a streamed zip, file content, an event
//! stream, an image or a redirect, or an error envelope with its own status) that the OpenAPI
//! document still describes: [`Raw`] holds the response as built, and its marker type `D`
//! says what the document shows for it.

use std::marker::PhantomData;

use poem::{IntoResponse, Response};
use poem_openapi::{
    ApiResponse,
    registry::{
        MetaHeader, MetaMediaType, MetaResponse, MetaResponses, MetaSchema, MetaSchemaRef, Registry,
    },
    types::Type,
};

/// What the document says of a [`Raw`] answer.
pub trait Described {
    fn meta() -> MetaResponses;
}

/// A response built by hand, described in the document by `D`.
pub struct Raw<D>(Response, PhantomData<fn() -> D>);

impl<D> From<Response> for Raw<D> {
    fn from(response: Response) -> Self {
        Self(response, PhantomData)
    }
}

impl<D: Described> IntoResponse for Raw<D> {
    fn into_response(self) -> Response {
        self.0
    }
}

impl<D: Described> ApiResponse for Raw<D> {
    fn meta() -> MetaResponses {
        D::meta()
    }

    // Nothing to register: the descriptions use no named schema.
    fn register(_registry: &mut Registry) {}
}

/// A `status` answer with no body and no header: what most refusals are, and the base the
/// others fill in (`MetaResponse { content, ..bare(…) }`).
pub fn bare(description: &'static str, status: u16) -> MetaResponse {
    MetaResponse {
        description,
        status: Some(status),
        status_range: None,
        content: vec![],
        headers: vec![],
    }
}

/// A body of `content_type` holding raw bytes.
pub fn binary(content_type: &'static str) -> MetaMediaType {
    MetaMediaType {
        content_type,
        schema: MetaSchemaRef::Inline(Box::new(MetaSchema::new_with_format("string", "binary"))),
    }
}

/// A string header.
pub fn header(name: &str, description: &str, required: bool) -> MetaHeader {
    MetaHeader {
        name: name.into(),
        description: Some(description.into()),
        required,
        deprecated: false,
        schema: String::schema_ref(),
    }
}
