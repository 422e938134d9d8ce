//! Named entities: people with their roles, organizations and places.

use std::ops::Range;

use crate::enriched::{Entities, Organization, Person, Place};
use crate::people::{self, PersonFound};
use crate::Doc;

/// An organization or place found in the body, in byte ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedFound {
    pub name: String,
    pub kind: Option<String>,
    pub mentions: Vec<Range<usize>>,
}

/// Entities found in the body, before conversion to the output form.
#[derive(Debug, Default)]
pub struct Found {
    pub people: Vec<PersonFound>,
    pub organizations: Vec<NamedFound>,
    pub places: Vec<NamedFound>,
}

impl Found {
    pub fn to_output(&self, doc: &Doc) -> Entities {
        let spans = |m: &[Range<usize>]| m.iter().map(|r| doc.span(r.clone())).collect::<Vec<_>>();
        Entities {
            people: self
                .people
                .iter()
                .map(|p| Person {
                    name: p.name.clone(),
                    roles: p.roles.clone(),
                    mentions: spans(&p.mentions),
                    count: p.mentions.len(),
                })
                .collect(),
            organizations: self
                .organizations
                .iter()
                .map(|o| Organization {
                    name: o.name.clone(),
                    kind: o.kind.clone(),
                    mentions: spans(&o.mentions),
                    count: o.mentions.len(),
                })
                .collect(),
            places: self
                .places
                .iter()
                .map(|p| Place {
                    name: p.name.clone(),
                    kind: p.kind.clone(),
                    mentions: spans(&p.mentions),
                    count: p.mentions.len(),
                })
                .collect(),
        }
    }
}

pub fn extract(doc: &Doc) -> Found {
    Found {
        people: people::find(doc),
        ..Found::default()
    }
}
