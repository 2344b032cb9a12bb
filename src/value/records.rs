//! How a list of records looks to a hook script: the element's field names
//! and slots, so that a hook given `overdues` sees an array of maps keyed by
//! the schema's names. The checker builds one from the schema's element
//! layout; this module keeps the values layer free of the schema's types.

use std::sync::Arc;

/// One element's fields, in schema order.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ElementShape {
    /// Each field by its name within the element.
    pub fields: Vec<(Box<str>, FieldShape)>,
}

/// Where one field of an element is, and how to name its values.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldShape {
    /// A leaf in this slot of the element's frame (an enum's members, to
    /// give a member by name).
    Leaf {
        /// The slot.
        slot: usize,
        /// The enum's members, when the field is an enum.
        members: Option<Arc<[Box<str>]>>,
    },
    /// A nested record, flattened into the same frame.
    Record(ElementShape),
    /// A list of records in this slot, each element a frame of its own.
    List {
        /// The slot.
        slot: usize,
        /// Its elements' fields.
        element: Arc<ElementShape>,
    },
}
