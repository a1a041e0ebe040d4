//! Identities: the stack a handle belongs to ([`StackId`]), and the named conditions and
//! mappings of a stack that expressions point at ([`CondRef`], [`MappingRef`]). Plain data,
//! below the expressions that carry them; [`super::handle`] re-exports them with the
//! typed handles.

use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Identity of a [`crate::Stack`] within the process; handles carry it so that a handle
/// used in the wrong stack is caught at synth.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StackId(u64);

impl StackId {
    pub(crate) fn fresh() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        StackId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// A named condition of a stack: guard resources and outputs with it, or branch with
/// [`crate::fns::if_`].
#[derive(Clone, Debug)]
pub struct CondRef {
    pub(crate) stack: StackId,
    pub(crate) id: Rc<str>,
}

impl CondRef {
    /// The condition's logical ID.
    pub fn logical_id(&self) -> &str {
        &self.id
    }
}

/// A mapping of a stack, read with [`crate::fns::find_in_map`].
#[derive(Clone, Debug)]
pub struct MappingRef {
    pub(crate) stack: StackId,
    pub(crate) id: Rc<str>,
}

impl MappingRef {
    /// The mapping's logical ID.
    pub fn logical_id(&self) -> &str {
        &self.id
    }
}
