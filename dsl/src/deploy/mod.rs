//! Deploying templates through CloudFormation change sets (the `deploy` feature).
//!
//! The flow of [`deploy`]: describe the stack → (unchanged template and parameters: "no
//! changes", nothing created) → create a change set (CREATE for a new stack, UPDATE otherwise)
//! → wait → show the plan → ask when it replaces or deletes resources or broadens IAM /
//! security-group ingress → execute → stream the stack events until a terminal state → on
//! failure, a summary that leads with the root cause.
//!
//! [`diff`] makes the same change set, shows it with a property-level diff of the deployed
//! template, and deletes what it made. [`destroy`], [`outputs`] and [`status`] complete the set.
//!
//! What needs no AWS call — the template diff, the approval analysis, NoEcho masking — is in
//! [`crate::analysis`] (compiled without this feature); this module applies it to the
//! deployed template and the change set.
//!
//! The AWS SDK stays behind this module: the public types here are small local ones
//! ([`Session`], [`Plan`], [`StackEvent`], [`Error`]). Output goes through a [`Ui`]
//! ([`PlainUi`]: one line per event; [`LiveUi`]: an indicatif live view on a terminal).

mod changeset;
mod error;
mod events;
mod ops;
mod progress;
mod session;
mod stack;
mod upload;

pub use changeset::Plan;
pub use error::{Error, ErrorKind};
pub use events::{StackEvent, root_cause};
pub use ops::{
    DeployOptions, DeployOutcome, DiffOutcome, deploy, destroy, diff, outputs, status,
    write_outputs_file,
};
pub use progress::{LiveUi, PlainUi, Ui};
pub use session::{AwsOptions, PollConfig, Session};
pub use stack::{StackState, StackStatusClass};
pub use upload::{MAX_TEMPLATE_BODY, template_key, template_url};
