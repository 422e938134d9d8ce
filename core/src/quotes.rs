//! Direct and indirect quotations with their speakers.

use crate::enriched::Quote;
use crate::{entities, Doc};

pub fn extract(_doc: &Doc, _entities: &entities::Found) -> Vec<Quote> {
    Vec::new()
}
