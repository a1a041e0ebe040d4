//! Issue #13, the synth half: images built from source are hashed at synth, by content only,
//! tagged `asset-<hash>`, built for the task's platform, pushed to a repository that exists
//! before the stack that needs it, and listed in the manifest; every problem is a synth error
//! naming the stack, the task and the container.

mod all_examples;
mod support;

use std::fs;
use std::path::Path;

use ferroform::app::{MANIFEST, Manifest};
use ferroform::ecs::{
    ContainerImage, ContainerProps, CpuArchitecture, FargateSize, ImageBase, Platform, Repository,
    RepositoryProps, TaskDefinition, TaskDefinitionProps,
};
use ferroform::model::asset::{ImageDestination, ImageSource};
use ferroform::{App, Diagnostic, Severity, Stack};
use serde_json::{Value as Json, json};

const BASE: &str = "public.ecr.aws/docker/library/busybox@sha256:9532d8c39891ca2ecde4d30d7710e01fb739c87a8b9299685c63704296b16028";

fn task(stack: &mut Stack, arch: CpuArchitecture) -> TaskDefinition {
    TaskDefinition::new(
        stack,
        "Task",
        TaskDefinitionProps {
            cpu_architecture: arch,
            ..TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512)
        },
    )
}

/// A task `Task` of `arch` in `stack`, with one container, `app`, running `image`.
fn app_container(stack: &mut Stack, arch: CpuArchitecture, image: impl Into<ContainerImage>) {
    let t = task(stack, arch);
    t.add_container(stack, ContainerProps::new("app", image));
}

/// The image reference written for the one container of a stack with one task.
fn image_of(image: impl Into<ContainerImage>) -> Json {
    let mut stack = Stack::new("Img");
    app_container(&mut stack, CpuArchitecture::X86_64, image);
    let t = stack
        .to_template()
        .unwrap_or_else(|e| panic!("should synthesize:\n{e}"));
    t.body()["Resources"]["Task"]["Properties"]["ContainerDefinitions"][0]["Image"].clone()
}

/// The tag in an image reference `{"Fn::Join": [":", [uri, tag]]}`.
fn tag_of(image: &Json) -> String {
    let tag = image["Fn::Join"][1][1]
        .as_str()
        .unwrap_or_else(|| panic!("not `<uri>:<tag>`: {image:#}"));
    let hash = tag
        .strip_prefix("asset-")
        .unwrap_or_else(|| panic!("tag `{tag}` is not asset-<hash>"));
    assert_eq!(hash.len(), 64, "{tag}");
    assert!(
        hash.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
        "{tag}"
    );
    tag.to_owned()
}

fn directory_tag(dir: &Path) -> String {
    tag_of(&image_of(ContainerImage::from_directory(dir)))
}

fn errors(stack: &Stack) -> Vec<Diagnostic> {
    match stack.to_template() {
        Ok(t) => panic!("should not synthesize:\n{}", t.to_json()),
        Err(e) => e.diagnostics,
    }
}

#[test]
fn the_tag_follows_the_contents_and_nothing_else() {
    let a = support::temp_dir("image-a");
    a.write("Dockerfile", "FROM scratch\nCOPY app /app\n");
    a.write("app", "v1");
    a.write(".dockerignore", "*.log\n");
    let first = directory_tag(a.path());
    assert_eq!(directory_tag(a.path()), first, "deterministic");

    // The same files in another place, written later and in another order: the same tag.
    let b = support::temp_dir("image-b");
    b.write(".dockerignore", "*.log\n");
    b.write("app", "v1");
    b.write("Dockerfile", "FROM scratch\nCOPY app /app\n");
    assert_eq!(directory_tag(b.path()), first);

    // A timestamp alone: the same tag.
    let f = fs::File::options()
        .write(true)
        .open(b.path().join("app"))
        .unwrap();
    f.set_modified(std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(86_400))
        .unwrap();
    drop(f);
    assert_eq!(directory_tag(b.path()), first, "mtime is not content");

    // A file .dockerignore lists: the same tag.
    b.write("debug.log", "noise");
    assert_eq!(directory_tag(b.path()), first);

    // A changed file, a new file, a changed Dockerfile: each a new tag.
    b.write("app", "v2");
    let changed = directory_tag(b.path());
    assert_ne!(changed, first);
    b.write("app", "v1");
    b.write("extra", "");
    assert_ne!(directory_tag(b.path()), first);
    fs::remove_file(b.path().join("extra")).unwrap();
    b.write("Dockerfile", "FROM scratch\nCOPY app /srv/app\n");
    assert_ne!(directory_tag(b.path()), first);
    b.write("Dockerfile", "FROM scratch\nCOPY app /app\n");
    assert_eq!(directory_tag(b.path()), first, "back to the same contents");

    // Build arguments and the target are inputs too.
    let with_arg = tag_of(&image_of(
        ContainerImage::from_directory(a.path()).build_arg("VERSION", "2"),
    ));
    let with_target = tag_of(&image_of(
        ContainerImage::from_directory(a.path()).target("runtime"),
    ));
    assert!(with_arg != first && with_target != first && with_arg != with_target);
}

#[test]
fn the_image_goes_to_the_asset_repository_and_the_execution_role_may_pull_only_there() {
    let a = support::temp_dir("image-asset-repo");
    a.write("Dockerfile", "FROM scratch\n");
    let mut stack = Stack::new("Img");
    app_container(
        &mut stack,
        CpuArchitecture::X86_64,
        ContainerImage::from_directory(a.path()),
    );
    let body = stack.to_template().unwrap().body().clone();
    let image = &body["Resources"]["Task"]["Properties"]["ContainerDefinitions"][0]["Image"];
    assert_eq!(
        image["Fn::Join"][1][0],
        json!({"Fn::Sub": ["${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/${Name}", {"Name": "ferroform-assets"}]}),
        "{image:#}"
    );
    // The execution role's pull policy: the three pull actions on that repository only, and
    // the token action, which AWS grants only on `*`.
    let policies = body["Resources"]["TaskExecutionRole"]["Properties"]["Policies"]
        .as_array()
        .unwrap_or_else(|| panic!("{:#}", body["Resources"]));
    let pull: Vec<&Json> = policies
        .iter()
        .filter(|p| {
            p["PolicyName"]
                .as_str()
                .is_some_and(|n| n.starts_with("Pull"))
        })
        .flat_map(|p| p["PolicyDocument"]["Statement"].as_array().unwrap())
        .collect();
    assert_eq!(pull.len(), 2, "{policies:#?}");
    assert_eq!(
        pull[0]["Action"],
        json!([
            "ecr:BatchCheckLayerAvailability",
            "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer"
        ]),
        "{pull:#?}"
    );
    assert_eq!(
        pull[0]["Resource"],
        json!({"Fn::Sub": ["arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/${Name}", {"Name": "ferroform-assets"}]})
    );
    assert_eq!(pull[1]["Action"], json!("ecr:GetAuthorizationToken"));
    assert_eq!(pull[1]["Resource"], json!("*"));
}

#[test]
fn the_platform_is_the_tasks_and_another_one_is_an_error() {
    let a = support::temp_dir("image-platform");
    a.write("Dockerfile", "FROM scratch\n");
    let mut app = App::new();
    let mut stack = Stack::new("Arm");
    app_container(
        &mut stack,
        CpuArchitecture::Arm64,
        ContainerImage::from_directory(a.path()),
    );
    app.add(stack);
    let images = app.images();
    assert_eq!(images.len(), 1);
    assert_eq!(images[0].platform, Platform::LinuxArm64);
    assert_eq!(images[0].id, "Arm/Task/app");

    // The same sources for x86-64: another tag.
    let mut stack = Stack::new("X86");
    app_container(
        &mut stack,
        CpuArchitecture::X86_64,
        ContainerImage::from_directory(a.path()),
    );
    let mut x86 = App::new();
    x86.add(stack);
    assert_ne!(x86.images()[0].hash, images[0].hash);

    // Asking for amd64 on an ARM64 task: FF1503, an error naming task and container.
    let mut stack = Stack::new("Wrong");
    app_container(
        &mut stack,
        CpuArchitecture::Arm64,
        ContainerImage::from_directory(a.path()).platform(Platform::LinuxAmd64),
    );
    let e = errors(&stack);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!((e[0].severity, e[0].rule), (Severity::Error, "FF1503"));
    assert_eq!(e[0].logical_id.as_deref(), Some("Task"));
    assert!(
        e[0].message.contains("container `app`")
            && e[0].message.contains("linux/amd64")
            && e[0].message.contains("linux/arm64"),
        "{}",
        e[0].message
    );
}

#[test]
fn a_repository_of_the_same_stack_is_refused_another_stacks_is_deployed_first() {
    let a = support::temp_dir("image-repo");
    a.write("Dockerfile", "FROM scratch\n");

    let mut stack = Stack::new("Same");
    let repo = Repository::new(&mut stack, "Repo", RepositoryProps::default());
    app_container(
        &mut stack,
        CpuArchitecture::X86_64,
        ContainerImage::from_directory(a.path()).repository(&repo),
    );
    let e = errors(&stack);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!((e[0].severity, e[0].rule), (Severity::Error, "FF1504"));
    assert!(e[0].message.contains("`Repo`"), "{}", e[0].message);
    let hint = e[0].hint.as_deref().unwrap_or_default();
    assert!(
        hint.contains("another stack") && hint.contains("asset repository"),
        "{hint}"
    );

    // In another stack of the app: fine, the repository's stack deploys first and the
    // manifest names it.
    let mut images = Stack::new("Images");
    let repo = Repository::new(&mut images, "Repo", RepositoryProps::default());
    let mut stack = Stack::new("Service");
    app_container(
        &mut stack,
        CpuArchitecture::X86_64,
        ContainerImage::from_directory(a.path()).repository(&repo),
    );
    let mut app = App::new();
    app.add(stack);
    app.add(images);
    assert_eq!(app.deploy_order().unwrap(), vec!["Images", "Service"]);
    assert_eq!(
        app.images()[0].destination,
        ImageDestination::Repository {
            stack: "Images".into(),
            logical_id: "Repo".into()
        }
    );
    app.synth().unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn missing_sources_are_synth_errors_all_at_once() {
    let mut stack = Stack::new("Broken");
    let t = task(&mut stack, CpuArchitecture::X86_64);
    t.add_container(
        &mut stack,
        ContainerProps::new(
            "web",
            ContainerImage::from_directory("/nonexistent/ferroform/web"),
        ),
    );
    t.add_container(
        &mut stack,
        ContainerProps::new(
            "worker",
            ContainerImage::from_files(ImageBase::pinned("busybox:1.36"))
                .file("/nonexistent/ferroform/worker", "/usr/local/bin/worker"),
        ),
    );
    let e = errors(&stack);
    let found: Vec<(&str, &str)> = e
        .iter()
        .map(|d| (d.rule, d.logical_id.as_deref().unwrap_or_default()))
        .collect();
    assert_eq!(found, vec![("FF1503", "Task"); 3], "{e:#?}");
    let text: Vec<&str> = e.iter().map(|d| d.message.as_str()).collect();
    assert!(
        text[0].contains("container `web`") && text[0].contains("/nonexistent/ferroform/web"),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|m| m.contains("container `worker`") && m.contains("not pinned by digest")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|m| m.contains("/nonexistent/ferroform/worker")
                && m.contains("build it before synth")),
        "{text:?}"
    );
    assert!(e.iter().all(|d| d.source == "Broken"));
}

#[test]
fn files_images_hash_their_files_and_configuration() {
    let a = support::temp_dir("image-files");
    let bin = a.write("worker", "binary v1");
    let image = |user: &str| {
        tag_of(&image_of(
            ContainerImage::from_files(ImageBase::pinned(BASE))
                .file(&bin, "/usr/local/bin/worker")
                .entrypoint(["/usr/local/bin/worker"])
                .user(user),
        ))
    };
    let first = image("10001");
    assert_eq!(image("10001"), first);
    assert_ne!(image("10002"), first, "the configuration is an input");
    a.write("worker", "binary v2");
    assert_ne!(image("10001"), first, "the file's bytes are an input");
}

/// `synth --out` writes the images into the manifest, and the manifest reads back the same.
#[test]
fn synth_out_lists_the_images_in_the_manifest() {
    let out = support::temp_dir("image-manifest");
    // The tests run in tests/: the example's sources are under ../examples.
    let app = all_examples::from_source::app_in(Path::new(".."));
    let expected = app.images();
    app_run(app, out.path());
    let text = fs::read_to_string(out.path().join(MANIFEST)).unwrap();
    let m = Manifest::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(m.images, expected);
    let ids: Vec<&str> = m.images.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        ids,
        vec!["FromSource/WebTask/web", "FromSource/WorkerTask/worker"]
    );
    let web = &m.images[0];
    assert_eq!(web.platform, Platform::LinuxAmd64);
    assert!(
        matches!(&web.source, ImageSource::Directory { dockerfile, build_args, target, .. }
        if dockerfile == "Dockerfile" && build_args == &vec![("VERSION".to_owned(), "1.4".to_owned())]
            && target.as_deref() == Some("runtime"))
    );
    assert_eq!(
        web.destination,
        ImageDestination::Repository {
            stack: "FromSourceImages".into(),
            logical_id: "Web".into()
        }
    );
    let worker = &m.images[1];
    assert_eq!(worker.platform, Platform::LinuxArm64);
    assert_eq!(worker.destination, ImageDestination::AssetRepository);
    let v: Json = serde_json::from_str(&text).unwrap();
    assert_eq!(
        v["images"]["FromSource/WebTask/web"]["tag"],
        json!(web.tag())
    );
}

fn app_run(app: App, out: &Path) {
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let code = app.run_with(
        ["from_source", "synth", "--out", out.to_str().unwrap()],
        &mut stdout,
        &mut stderr,
    );
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&stderr));
}

/// The bootstrap stack as it is deployed: the asset repository scans on push, keeps tags
/// immutable, is encrypted with KMS, expires untagged images and keeps the last 500 asset
/// images, and is retained; the bucket is encrypted, private, owner-enforced, TLS only,
/// expires templates, and is retained. The validator and cfn-lint find nothing.
#[test]
fn the_bootstrap_stack_is_secure_and_lint_clean() {
    let mut app = App::new();
    app.add(ferroform::bootstrap::stack());
    let (templates, warnings) = app
        .synth_checked(&[ferroform::bootstrap::STACK_NAME])
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(warnings.is_empty(), "{warnings:#?}");
    let t = &templates[0];
    let r = &t.body()["Resources"];
    let repo = &r["AssetRepository"];
    assert_eq!(repo["Properties"]["RepositoryName"], "ferroform-assets");
    assert_eq!(
        repo["Properties"]["ImageScanningConfiguration"],
        json!({"ScanOnPush": true})
    );
    assert_eq!(repo["Properties"]["ImageTagMutability"], "IMMUTABLE");
    assert_eq!(
        repo["Properties"]["EncryptionConfiguration"],
        json!({"EncryptionType": "KMS"})
    );
    assert_eq!(
        (
            repo["DeletionPolicy"].as_str(),
            repo["UpdateReplacePolicy"].as_str()
        ),
        (Some("Retain"), Some("Retain"))
    );
    let rules: Json = serde_json::from_str(
        repo["Properties"]["LifecyclePolicy"]["LifecyclePolicyText"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let selections: Vec<&Json> = rules["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["selection"])
        .collect();
    assert_eq!(
        selections,
        vec![
            &json!({"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1}),
            &json!({"tagStatus": "tagged", "tagPrefixList": ["asset-"], "countType": "imageCountMoreThan", "countNumber": 500}),
        ]
    );
    let bucket = &r["TemplateBucket"];
    let p = &bucket["Properties"];
    assert_eq!(
        p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
            ["SSEAlgorithm"],
        "AES256"
    );
    assert_eq!(
        p["PublicAccessBlockConfiguration"],
        json!({"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true})
    );
    assert_eq!(
        p["OwnershipControls"]["Rules"][0]["ObjectOwnership"],
        "BucketOwnerEnforced"
    );
    assert_eq!(
        p["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"],
        30
    );
    assert_eq!(bucket["DeletionPolicy"], "Retain");
    let deny = &r["TemplateBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][0];
    assert_eq!(deny["Effect"], "Deny");
    assert_eq!(
        deny["Condition"],
        json!({"Bool": {"aws:SecureTransport": "false"}})
    );
    let outputs: Vec<&String> = t.body()["Outputs"].as_object().unwrap().keys().collect();
    assert_eq!(outputs, vec!["TemplateBucket", "AssetRepository"]);

    let Some(cfn_lint) = support::require_tool("cfn-lint") else {
        return;
    };
    let dir = support::temp_dir("bootstrap-lint");
    let file = dir.write("bootstrap.json", t.to_json());
    let (code, out) = support::run_cfn_lint(&cfn_lint, &[&file]);
    assert!(
        !support::lint_errors(code) && !support::lint_warnings(code),
        "cfn-lint:\n{out}"
    );
}

/// A repository given by its literal name is pushed to by that name (the manifest says so);
/// one whose name is a parameter cannot be pushed to at synth, and says so (FF1503).
#[test]
fn a_repository_by_name_is_pushed_to_by_name_one_by_parameter_is_refused() {
    let a = support::temp_dir("image-named");
    a.write("Dockerfile", "FROM scratch\n");

    let mut stack = Stack::new("Named");
    app_container(
        &mut stack,
        CpuArchitecture::X86_64,
        ContainerImage::from_directory(a.path()).repository(&Repository::from_name("team/web")),
    );
    let mut app = App::new();
    app.add(stack);
    assert_eq!(
        app.images()[0].destination,
        ImageDestination::Named {
            name: "team/web".into()
        }
    );
    app.synth().unwrap_or_else(|e| panic!("{e}"));

    let mut stack = Stack::new("ByParameter");
    let name = stack.parameter("RepoName", ferroform::Parameter::string());
    app_container(
        &mut stack,
        CpuArchitecture::X86_64,
        ContainerImage::from_directory(a.path()).repository(&Repository::from_name(name.to_ref())),
    );
    let e = errors(&stack);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!((e[0].severity, e[0].rule), (Severity::Error, "FF1503"));
    assert_eq!(e[0].logical_id.as_deref(), Some("Task"));
    assert!(
        e[0].message.contains("not known at synth"),
        "{}",
        e[0].message
    );
}
