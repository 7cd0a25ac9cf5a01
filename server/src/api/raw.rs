//! One type for the answers a handler writes itself (a streamed zip, file content, an event
//! stream, an image or a redirect, or an error envelope with its own status) that the OpenAPI
//! document still describes: [`Raw`] holds the response as built, and its marker type `D`
//! says what the document shows for it.

use std::marker::PhantomData;

use poem::{IntoResponse, Response};
use poem_openapi::{ApiResponse, registry::MetaResponses, registry::Registry};

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
