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
//!
//! # What a deploy promises
//!
//! - **Nothing invalid is submitted**: the command line validates every template
//!   ([`crate::validate`]; a program's stacks once, at synth) before it calls [`deploy`].
//! - **Nothing broadening without a yes**: unless [`DeployOptions::yes`], a change set that
//!   deletes or replaces resources, or widens IAM grants, security-group ingress or a
//!   resource policy ([`crate::analysis::approval`] decides), is put to [`Ui::confirm`]; when
//!   it is declined or there is nobody to ask, the change set is deleted unexecuted.
//! - **No changes, nothing left behind**: an unchanged template, parameters and tags give
//!   [`DeployOutcome::NoChanges`] without creating anything. A stack in `ROLLBACK_COMPLETE`
//!   is deleted and created again only after the same confirmation.
//! - **Large templates through S3**: a body over [`MAX_TEMPLATE_BODY`] bytes needs
//!   [`DeployOptions::s3_bucket`]; it is uploaded under [`template_key`] (content-addressed,
//!   not uploaded twice) and deployed by [`template_url`].
//! - **NoEcho values stay hidden**: outputs that show a NoEcho parameter read `****`, and
//!   event reasons and AWS messages are masked with [`crate::analysis::mask::Masker`].
//! - **Waiting is bounded and never destructive**: polls follow [`PollConfig`] (100 ms,
//!   growing by half up to 1 s); when [`DeployOptions::timeout`] runs out or the user
//!   interrupts, nothing is cancelled or deleted, CloudFormation carries on, and [`status`]
//!   follows it.
//!
//! The command line turns outcomes and [`Error`]s into exit codes ([`crate::cli`]). The
//! book's chapter "Deploying safely" (`docs/src/deploying-safely.md`) describes the whole
//! behaviour as a user sees it.

mod changeset;
mod drift;
mod ecs_watch;
mod error;
mod event;
mod events;
mod ops;
mod progress;
mod publish;
mod session;
mod stack;
mod stackset;
mod upload;

pub use changeset::Plan;
pub use drift::{DriftReport, PropertyDrift, ResourceDrift, drift, render as render_drift};
pub use error::{Error, ErrorKind};
pub use event::{StackEvent, root_cause};
pub use ops::{
    DeployOptions, DeployOutcome, DiffOutcome, deploy, destroy, destroy_stack_set, diff, outputs,
    stack_set_status, status, write_outputs_file,
};
pub use progress::{LiveUi, PlainUi, PrefixedUi, ProgressArea, StackLineUi, StackLines, Ui};
pub use publish::{DEFAULT_CONCURRENCY, LOG_TAIL, PublishOptions, Published, publish};
pub use session::{AwsOptions, PollConfig, Session, separately};
pub use stack::{DeployedTemplate, StackState, StackStatusClass, fetch_template};
pub use upload::{MAX_TEMPLATE_BODY, template_key, template_url};
