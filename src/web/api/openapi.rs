//! `GET /api/v1/openapi.json`: the OpenAPI 3 document of the Content API, kept as a file
//! beside this one (reviewed like code, checked against the live API by schemathesis in
//! the tests), with the site's own address filled in as its server.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use serde_json::{Value, json};

use super::{ApiError, json as json_response};
use crate::app::App;
use crate::render::seo::absolute;

/// Address of the document inside the API.
pub const OPENAPI_PATH: &str = "/openapi.json";

/// The document as written.
const DOCUMENT: &str = include_str!("openapi.json");

/// `GET /api/v1/openapi.json`.
pub async fn show_openapi(State(app): State<Arc<App>>) -> Result<Response, ApiError> {
    let mut document: Value = serde_json::from_str(DOCUMENT).map_err(|e| ApiError::Internal(e.into()))?;
    document["servers"] = json!([{ "url": absolute(&app.settings, "/api/v1") }]);
    Ok(json_response(&document))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_json_and_names_every_article_field() {
        let document: Value = serde_json::from_str(DOCUMENT).expect("openapi.json is JSON");
        let properties = &document["components"]["schemas"]["Article"]["properties"];
        for field in super::super::articles::FIELDS {
            assert!(properties.get(field).is_some(), "{field} is not in the Article schema");
        }
    }
}
