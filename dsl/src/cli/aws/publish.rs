//! `publish`: build and push the images of a stack program's stacks, without deploying
//! (so CI can build once and deploy the same tags to several stages). `deploy` publishes
//! the same way before each stack's change set.

use clap::{Arg, ArgAction, ArgMatches, Command};

use super::{Call, Source, connect, connection, make_ui, run_on_stack};
use crate::App;
use crate::cli::{EXIT_OK, Exit};
use crate::deploy::{self, PublishOptions, Session, Ui};
use crate::model::asset::ImageAsset;

pub(crate) fn command(tool: bool) -> Command {
    let cmd = Command::new("publish")
        .about("Build and push the images of the stacks (those not in their repository yet), without deploying")
        .long_about(
            "For each image built from source (ContainerImage::from_directory), look for its tag \
             (asset-<content hash>) in its repository; build (buildah, daemonless) and push the ones \
             that are missing. Credentials come from ECR's GetAuthorizationToken. FERROFORM_BUILDER \
             names the builder, FERROFORM_CACHE_DIR its storage, FERROFORM_REGISTRY_ENDPOINT a \
             registry to send every registry request to (plain HTTP only on 127.0.0.1).",
        );
    let cmd = builder_arg(connection(cmd)).arg(
        Arg::new("stacks")
            .value_name("STACK")
            .action(ArgAction::Append)
            .help("Stacks whose images to publish (default: all)"),
    );
    if tool {
        cmd.arg(
            Arg::new("app")
                .long("app")
                .value_name("CMD")
                .help("The stack program, e.g. \"cargo run -q --example web --\" (default: `app` in ./ferroform.toml)"),
        )
    } else {
        cmd
    }
}

/// The `--builder` and `--asset-concurrency` arguments (of `publish` and `deploy`).
pub(crate) fn builder_arg(cmd: Command) -> Command {
    cmd.arg(
        Arg::new("asset-concurrency")
            .long("asset-concurrency")
            .value_name("N")
            .value_parser(clap::value_parser!(u16).range(1..=64))
            .help("Images built and pushed at once (default 2)"),
    )
    .arg(
        Arg::new("builder")
            .long("builder")
            .value_name("NAME")
            .help("The image builder: buildah, podman, docker, or a path to one (default: `builder` in ./ferroform.toml, FERROFORM_BUILDER, else buildah when installed, else podman or docker when it answers)"),
    )
}

/// The publish options: the environment's, with `--builder`, or else ferroform.toml's
/// `builder`, over it.
pub(super) fn options(m: &ArgMatches) -> Result<PublishOptions, Exit> {
    let mut opts = PublishOptions::from_env();
    let flag = m.try_get_one::<String>("builder").ok().flatten().cloned();
    let file = crate::app::project::ProjectFile::load(std::path::Path::new(
        crate::app::project::PROJECT_FILE,
    ))
    .map_err(|e| Exit::usage(e.to_string()))?
    .and_then(|p| p.builder);
    if let Some(b) = flag.or(file) {
        opts.builder = Some(b);
    }
    if let Some(n) = m.try_get_one::<u16>("asset-concurrency").ok().flatten() {
        opts.concurrency = Some(usize::from(*n));
    }
    Ok(opts)
}

/// The images of the stacks named `stacks` (all when empty).
pub(crate) fn images_of(app: &App, stacks: &[&str]) -> Vec<ImageAsset> {
    app.images()
        .into_iter()
        .filter(|i| stacks.is_empty() || stacks.contains(&i.stack()))
        .collect()
}

/// Publish `images` on `session`, reporting through `ui`.
pub(crate) fn publish_images(
    session: &Session,
    m: &ArgMatches,
    stack: &str,
    images: &[ImageAsset],
    ui: &mut dyn Ui,
) -> Result<(), Exit> {
    if images.is_empty() {
        return Ok(());
    }
    let opts = options(m)?;
    run_on_stack(stack, deploy::publish(session, images, &opts, ui))?;
    Ok(())
}

/// Run the command; the caller prints the failure's text and exits with its code.
pub(crate) fn run((source, m, out, err): Call<'_>) -> Result<u8, Exit> {
    let images = match source {
        Source::App(app) => images_of(app, &crate::cli::select_stacks(app, m)?),
        Source::Tool => super::templates_and_images(source, m, err)?.1,
    };
    if images.is_empty() {
        let _ = writeln!(err, "no images to publish: no stack builds one from source");
        return Ok(EXIT_OK);
    }
    let session = connect(m)?;
    let mut ui = make_ui(m, out, err);
    publish_images(&session, m, "images", &images, ui.as_mut())?;
    Ok(EXIT_OK)
}
