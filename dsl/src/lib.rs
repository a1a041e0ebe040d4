//! # ferroform
//!
//! Typed AWS CloudFormation for ECS, in Rust. Build a [`Stack`] from generated, typed
//! resources ([`resources`]), reference them through typed [`Handle`]s, and synthesize a
//! deterministic JSON or YAML [`Template`].
//!
//! ```
//! use ferroform::{Stack, Format};
//! use ferroform::resources::{ecr, logs};
//!
//! let mut stack = Stack::new("Web");
//! let repo = stack.add(
//!     "Repo",
//!     ecr::Repository::new()
//!         .image_tag_mutability(ecr::repository::ImageTagMutability::Immutable)
//!         .image_scanning_configuration(
//!             ecr::repository::ImageScanningConfiguration::new().scan_on_push(true),
//!         ),
//! );
//! stack.options(&repo).retain();
//! stack.add("Logs", logs::LogGroup::new().retention_in_days(30));
//! stack.output("RepositoryUri", repo.attr_repository_uri());
//!
//! let template = stack.to_template().expect("valid stack");
//! let yaml = template.render(Format::Yaml);
//! assert!(yaml.contains("ImageTagMutability: IMMUTABLE"));
//! ```
//!
//! ## Two kinds of types, one name
//!
//! A CloudFormation resource and the construct that builds it often share a name: the
//! module tells them apart, never a prefix.
//!
//! - [`resources`] holds the generated types, one per CloudFormation resource and property
//!   type (`ferroform::resources::ecs::TaskDefinition` *is* an `AWS::ECS::TaskDefinition`,
//!   property for property). Import the service module and name types through it
//!   (`use ferroform::resources::ecs;` then `ecs::TaskDefinition`), as the examples do.
//! - [`ecs`] and [`iam`] hold the hand-written constructs, which add several resources with
//!   chosen defaults (`ferroform::ecs::TaskDefinition` makes the task definition, its
//!   execution role and its log group). Import their types by name
//!   (`use ferroform::ecs::{TaskDefinition, FargateService};`).
//!
//! A construct gives the generated resources it made through its handles
//! (`task.resource()`), so the two meet through [`Stack::get_mut`], never through a shared
//! name. (CDK marks the generated ones with a `Cfn` prefix instead; a module path keeps the
//! generated names equal to the CloudFormation ones.)
#![warn(missing_docs)]

pub mod analysis;
pub mod app;
/// Content hashes of images built from source, computed at synth.
#[cfg(feature = "ecs-stack")]
pub(crate) mod asset;
pub mod bootstrap;
pub mod cli;
#[cfg(feature = "deploy")]
pub mod deploy;
/// The high-level constructs need the whole ECS service set (the default `ecs-stack` feature).
#[cfg(feature = "ecs-stack")]
pub mod ecs;
/// Safe file writes (atomic, never through a symbolic link), for every file ferroform writes.
pub(crate) mod fsutil;
pub mod iam;
pub mod import;
pub mod model;
// Generated code: the workspace's pedantic lints are for hand-written code (Cargo.toml).
#[allow(clippy::pedantic)]
pub mod resources;
pub mod rules;
pub mod testing;
pub mod validate;

pub use app::App;
pub use model::diag::{Diagnostic, Severity, SynthError};
pub use model::document::Document;
pub use model::env::Env;
pub use model::expr::{Cond, Expr, fns, pseudo};
pub use model::handle::{CondRef, Handle, MappingRef, Param, StackId};
pub use model::parse::ParseError;
pub use model::render::{Json, Render, RenderCx};
pub use model::stack::{
    DeletionPolicy, Export, Mapping, Output, OverrideValue, Parameter, RawResource, Resource,
    ResourceOptions, Stack, UpdateReplacePolicy,
};
pub use model::stackset::StackSet;
pub use model::tag::Tag;
pub use model::template::{Format, Template};
pub use model::value::{List, ListIsExpression, ListProperty, Map, PropertyType, Value};

/// The README's code blocks, compiled as doctests so the tour cannot go stale.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// The chapters of the book (`docs/src/`), one item each, so that `cargo test --doc`
/// compiles every Rust sample in them (and runs those not marked `no_run`).
/// `tests/readme.rs` fails when a chapter is missing here.
#[cfg(doctest)]
pub mod book {
    #[doc = include_str!("../../docs/src/introduction.md")]
    pub struct Introduction;
    #[doc = include_str!("../../docs/src/resources.md")]
    pub struct Resources;
    #[doc = include_str!("../../docs/src/constructs.md")]
    pub struct Constructs;
    #[doc = include_str!("../../docs/src/images.md")]
    pub struct Images;
    #[doc = include_str!("../../docs/src/modern-ecs.md")]
    pub struct ModernEcs;
    #[doc = include_str!("../../docs/src/existing-infrastructure.md")]
    pub struct ExistingInfrastructure;
    #[doc = include_str!("../../docs/src/cross-stack.md")]
    pub struct CrossStack;
    #[doc = include_str!("../../docs/src/importing.md")]
    pub struct Importing;
    #[doc = include_str!("../../docs/src/validation.md")]
    pub struct Validation;
    #[doc = include_str!("../../docs/src/ecs-constraints.md")]
    pub struct EcsConstraints;
    #[doc = include_str!("../../docs/src/command.md")]
    pub struct Command;
    #[doc = include_str!("../../docs/src/deploying-safely.md")]
    pub struct DeployingSafely;
    #[doc = include_str!("../../docs/src/cost-and-graph.md")]
    pub struct CostAndGraph;
    #[doc = include_str!("../../docs/src/testing-your-stacks.md")]
    pub struct TestingYourStacks;
    #[doc = include_str!("../../docs/src/generated-code.md")]
    pub struct GeneratedCode;
    #[doc = include_str!("../../docs/src/examples.md")]
    pub struct Examples;
}
