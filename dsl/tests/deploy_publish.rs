//! Publishing images built from source, end to end with real parts: buildah builds (daemonless,
//! chroot isolation), Debian's `docker-registry` on loopback with htpasswd Basic auth stands
//! for the ECR registry (`FERROFORM_REGISTRY_ENDPOINT`), and moto's server answers ECR's
//! `GetAuthorizationToken` (moto's token is `AWS:<account>-auth-token`, which the registry is
//! given) and CloudFormation.
//!
//! The stack program is this test binary itself (no harness: `main` below): run with
//! `FERROFORM_PUBLISH_CHILD=<stack>,<context dir>,<x86_64|arm64>` it is the program, given the
//! command line after `--`, with the environment the test gives it; without, it is the test.

mod support;

use std::path::Path;
use std::process::Command;

use ferroform::ecs::{
    ContainerImage, ContainerProps, CpuArchitecture, FargateSize, ImageBase, Repository,
    TaskDefinition, TaskDefinitionProps,
};
use ferroform::{App, Stack};
use support::moto::Moto;
use support::registry::{TestDocker, TestRegistry, buildah, podman};

/// A stack whose task runs an image made of the file `file` on `base`, pushed to `repository`
/// (the asset repository when `None`).
fn files_app(stack: &str, file: &Path, base: &str, repository: Option<&str>) -> App {
    let mut s = Stack::new(stack);
    let task = TaskDefinition::new(
        &mut s,
        "Task",
        TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512),
    );
    let mut image = ContainerImage::from_files(ImageBase::pinned(base))
        .file(file, "/usr/local/bin/worker")
        .entrypoint(["/usr/local/bin/worker"])
        .user("10001");
    if let Some(r) = repository {
        image = image.repository(&Repository::from_name(r));
    }
    task.add_container(&mut s, ContainerProps::new("worker", image));
    let mut app = App::new();
    app.add(s);
    app
}

/// Two stacks: `<stack>Images` creates an ECR repository, `<stack>` runs an image built from
/// `context` and pushed there (so the repository's stack is deployed first).
fn two_stack_app(stack: &str, context: &Path) -> App {
    let mut images = Stack::new(format!("{stack}Images"));
    // Named: moto 5.2.5 makes a repository's name from the stack and logical ID, with
    // capitals that its own ECR then refuses (CloudFormation makes a lowercase one).
    let repo = Repository::new(
        &mut images,
        "Repo",
        ferroform::ecs::RepositoryProps {
            name: Some(format!("{}-repo", stack.to_lowercase()).into()),
            ..ferroform::ecs::RepositoryProps::default()
        },
    );
    let mut s = Stack::new(stack);
    let task = TaskDefinition::new(
        &mut s,
        "Task",
        TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512),
    );
    task.add_container(
        &mut s,
        ContainerProps::new(
            "app",
            ContainerImage::from_directory(context).repository(&repo),
        ),
    );
    let mut app = App::new();
    app.add(s);
    app.add(images);
    app
}

/// A stack with one task per context, each running an image built from it.
fn pair_app(stack: &str, contexts: &[&Path]) -> App {
    let mut s = Stack::new(stack);
    for (i, ctx) in contexts.iter().enumerate() {
        let task = TaskDefinition::new(
            &mut s,
            &format!("Task{i}"),
            TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512),
        );
        task.add_container(
            &mut s,
            ContainerProps::new("app", ContainerImage::from_directory(ctx)),
        );
    }
    let mut app = App::new();
    app.add(s);
    app
}

fn app(stack: &str, context: &Path, arch: CpuArchitecture) -> App {
    let mut s = Stack::new(stack);
    let task = TaskDefinition::new(
        &mut s,
        "Task",
        TaskDefinitionProps {
            cpu_architecture: arch,
            ..TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512)
        },
    );
    task.add_container(
        &mut s,
        ContainerProps::new("app", ContainerImage::from_directory(context)),
    );
    let mut app = App::new();
    app.add(s);
    app
}

/// The environment the program runs with.
struct Env(Vec<(String, String)>);

impl Env {
    fn unset(&mut self, k: &str) {
        self.0.retain(|(key, _)| key != k);
    }

    fn set(&mut self, k: &str, v: &str) {
        self.0.retain(|(key, _)| key != k);
        self.0.push((k.to_owned(), v.to_owned()));
    }
}

/// Run the program for `stack` (its image built from `context` for `arch`) with `args`:
/// (exit code, stdout and stderr together).
fn run(env: &Env, stack: &str, context: &Path, arch: &str, args: &[&str]) -> (u8, String) {
    run_spec(env, &format!("{stack},{},{arch}", context.display()), args)
}

/// Run the program with an image made of `file` on `base` (see [`files_app`]).
fn run_files(
    env: &Env,
    file: &Path,
    base: &str,
    repository: Option<&str>,
    args: &[&str],
) -> (u8, String) {
    let mut spec = format!("Files,{},files,{base}", file.display());
    if let Some(r) = repository {
        spec.push(',');
        spec.push_str(r);
    }
    run_spec(env, &spec, args)
}

/// Run this binary as the stack program `spec` (see [`child_app`]) with `args`.
fn run_spec(env: &Env, spec: &str, args: &[&str]) -> (u8, String) {
    let o = Command::new(std::env::current_exe().unwrap())
        .env("FERROFORM_PUBLISH_CHILD", spec)
        .envs(env.0.iter().map(|(k, v)| (k, v)))
        .arg("--")
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let mut text = String::from_utf8_lossy(&o.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&o.stderr));
    (
        u8::try_from(o.status.code().unwrap_or(255)).unwrap_or(255),
        text,
    )
}

/// The stack program a `FERROFORM_PUBLISH_CHILD` spec names:
/// `<stack>,<file>,files,<base>[,<repository>]`, `<stack>,<context>,two-stacks`,
/// `<stack>,<context>|<context>,pair`, or `<stack>,<context>,<x86_64|arm64>`.
fn child_app(spec: &str) -> App {
    let files: Vec<&str> = spec.splitn(5, ',').collect();
    if files.get(2) == Some(&"files") {
        return files_app(
            files[0],
            Path::new(files[1]),
            files[3],
            files.get(4).copied(),
        );
    }
    let parts: Vec<&str> = spec.splitn(3, ',').collect();
    match parts[2] {
        "two-stacks" => two_stack_app(parts[0], Path::new(parts[1])),
        "pair" => {
            let contexts: Vec<&Path> = parts[1].split('|').map(Path::new).collect();
            pair_app(parts[0], &contexts)
        }
        "arm64" => app(parts[0], Path::new(parts[1]), CpuArchitecture::Arm64),
        _ => app(parts[0], Path::new(parts[1]), CpuArchitecture::X86_64),
    }
}

fn main() {
    if let Ok(spec) = std::env::var("FERROFORM_PUBLISH_CHILD") {
        let args: Vec<String> = std::env::args().skip_while(|a| a != "--").skip(1).collect();
        let mut all = vec!["app".to_owned()];
        all.extend(args);
        let code = child_app(&spec).run_with(all, &mut std::io::stdout(), &mut std::io::stderr());
        std::process::exit(i32::from(code));
    }
    images_are_built_once_pushed_and_deployed_and_failures_deploy_nothing();
    println!("test images_are_built_once_pushed_and_deployed_and_failures_deploy_nothing ... ok");
}

/// The asset repository has one tag that is not in `before`, pushed as `text` says with the
/// digest the registry has for it.
fn pushed_one_new_tag(registry: &TestRegistry, before: &[String], text: &str) {
    let new: Vec<String> = registry
        .tags("ferroform-assets")
        .into_iter()
        .filter(|t| !before.contains(t))
        .collect();
    assert_eq!(new.len(), 1, "{text}");
    let digest = registry.digest("ferroform-assets", &new[0]).unwrap();
    assert!(
        text.contains(&format!("pushed ferroform-assets:{} ({digest})", new[0])),
        "{text}"
    );
}

/// `publish --builder BUILDER` of the stack `Pub` (its image built from `context`, x86_64).
fn publish_with_builder(env: &Env, context: &Path, builder: &str) -> (u8, String) {
    run(
        env,
        "Pub",
        context,
        "x86_64",
        &["publish", "--builder", builder],
    )
}

/// [`publish_with_builder`] succeeds and pushes exactly one new tag to the asset repository,
/// as its output says.
fn builder_pushes_one_new_tag(env: &Env, registry: &TestRegistry, context: &Path, builder: &str) {
    let before = registry.tags("ferroform-assets");
    let (code, text) = publish_with_builder(env, context, builder);
    assert_eq!(code, 0, "{text}");
    pushed_one_new_tag(registry, &before, &text);
}

fn images_are_built_once_pushed_and_deployed_and_failures_deploy_nothing() {
    let Some(moto) = Moto::start() else { return };
    let Some(buildah) = buildah() else { return };
    let Some(registry) = TestRegistry::start("AWS", "123456789012-auth-token") else {
        return;
    };
    let cache = support::temp_dir("publish-cache");
    let mut env = Env(Vec::new());
    for (k, v) in [
        ("AWS_ENDPOINT_URL", moto.endpoint.as_str()),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_CONFIG_FILE", "/nonexistent"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"),
        ("FERROFORM_REGISTRY_ENDPOINT", registry.endpoint.as_str()),
        ("FERROFORM_CACHE_DIR", cache.path().to_str().unwrap()),
    ] {
        env.set(k, v);
    }
    let ctx = support::temp_dir("publish-context");
    ctx.write("Dockerfile", "FROM scratch\nCOPY hello /hello\n");
    ctx.write("hello", "hello v1\n");

    // 1. Built and pushed.
    let (code, text) = run(&env, "Pub", ctx.path(), "x86_64", &["publish"]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("Image Pub/Task/app: building for linux/amd64"),
        "{text}"
    );
    let tags = registry.tags("ferroform-assets");
    assert_eq!(tags.len(), 1, "{tags:?}\n{text}");
    assert!(tags[0].starts_with("asset-"), "{tags:?}");
    // ferroform pushed the layout buildah wrote: the registry's digest is the one printed,
    // and each blob was a step of its own (no terminal here: lines, not bars).
    let digest = registry.digest("ferroform-assets", &tags[0]).unwrap();
    assert!(
        text.contains(&format!("pushed ferroform-assets:{} ({digest})", tags[0])),
        "{text}"
    );
    for kind in ["config", "layer"] {
        assert!(
            text.lines().any(
                |l| l.starts_with(&format!("Image Pub/Task/app: {kind} sha256:"))
                    && l.ends_with(" pushed")
            ),
            "{kind}:\n{text}"
        );
    }

    // 2. Again, and after touching the file: nothing built.
    let f = std::fs::File::options()
        .write(true)
        .open(ctx.path().join("hello"))
        .unwrap();
    f.set_modified(std::time::SystemTime::UNIX_EPOCH).unwrap();
    drop(f);
    let (code, text) = run(&env, "Pub", ctx.path(), "x86_64", &["publish"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("is in the registry already"), "{text}");
    assert!(!text.contains("building"), "{text}");

    // 3. A changed file: a new tag, built.
    ctx.write("hello", "hello v2\n");
    let (code, text) = run(&env, "Pub", ctx.path(), "x86_64", &["publish"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("building"), "{text}");
    assert_eq!(registry.tags("ferroform-assets").len(), 2);
    let v2_tag = registry
        .tags("ferroform-assets")
        .into_iter()
        .find(|t| text.contains(t.as_str()))
        .expect("the v2 tag");

    // 3b. Two images at once (--asset-concurrency 2): both built and pushed, each reported.
    let one_ctx = support::temp_dir("publish-context-1");
    one_ctx.write("Dockerfile", "FROM scratch\nCOPY one /one\n");
    one_ctx.write("one", "the first of two\n");
    let other_ctx = support::temp_dir("publish-context-2");
    other_ctx.write("Dockerfile", "FROM scratch\nCOPY other /other\n");
    other_ctx.write("other", "the second of two\n");
    let both = format!(
        "{}|{}",
        one_ctx.path().display(),
        other_ctx.path().display()
    );
    let (code, text) = run(
        &env,
        "Pair",
        Path::new(&both),
        "pair",
        &["publish", "--asset-concurrency", "2"],
    );
    assert_eq!(code, 0, "{text}");
    for task in ["Task0", "Task1"] {
        assert!(
            text.contains(&format!("Image Pair/{task}/app: building for linux/amd64")),
            "{text}"
        );
        assert!(
            text.contains(&format!("Image Pair/{task}/app: pushed ferroform-assets:")),
            "{text}"
        );
    }
    assert_eq!(registry.tags("ferroform-assets").len(), 4);

    // 4. deploy: the image is there already, the stack is deployed.
    let (code, text) = run(
        &env,
        "Pub",
        ctx.path(),
        "x86_64",
        &["deploy", "--yes", "--progress", "events"],
    );
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("is in the registry already"), "{text}");
    assert!(text.contains("Stack Pub: CREATE_COMPLETE"), "{text}");

    // 4b. The image goes to a repository another stack of the app creates: with that stack
    // deployed, the image is pushed to the repository it made (its physical name, asked of
    // CloudFormation). (The whole app in one deploy also deploys the service's stack, which
    // imports the repository's URI: moto 5.2.5 keeps no exports for a stack made by a
    // change set, so that part is the cross-stack tests' business, not this one's.)
    let (code, text) = run(
        &env,
        "Svc",
        ctx.path(),
        "two-stacks",
        &["deploy", "--yes", "--progress", "events", "SvcImages"],
    );
    assert_eq!(code, 0, "{text}");
    assert!(
        !text.contains("Image "),
        "the repository's stack has no image:\n{text}"
    );
    let (code, text) = run(&env, "Svc", ctx.path(), "two-stacks", &["publish", "Svc"]);
    assert_eq!(code, 0, "{text}");
    let repo_name = moto.python(
        "import boto3\n\
         c = boto3.client('cloudformation', region_name='us-east-1')\n\
         print(c.describe_stack_resource(StackName='SvcImages', LogicalResourceId='Repo')['StackResourceDetail']['PhysicalResourceId'])",
    );
    let repo_name = repo_name.trim();
    assert!(
        text.contains(&format!("Image Svc/Task/app: pushed {repo_name}:asset-")),
        "{text}"
    );
    assert_eq!(
        registry.tags(repo_name).len(),
        1,
        "pushed to {repo_name}:\n{text}"
    );
    // Before its stack exists, the repository cannot be found: an error that says so.
    let (code, text) = run(
        &env,
        "Other",
        ctx.path(),
        "two-stacks",
        &["publish", "Other"],
    );
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains(
            "repository `Repo` of stack OtherImages does not exist yet: deploy OtherImages first"
        ),
        "{text}"
    );

    // 5. A failing build: exit 1, the log's tail, nothing deployed.
    let bad = support::temp_dir("publish-bad");
    bad.write("Dockerfile", "FROM scratch\nCOPY no-such-file /x\n");
    let (code, text) = run(
        &env,
        "Bad",
        bad.path(),
        "x86_64",
        &["deploy", "--yes", "--progress", "events"],
    );
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("the build failed"), "{text}");
    assert!(
        text.contains("no-such-file"),
        "the log's tail names the problem:\n{text}"
    );
    assert!(!text.contains("Stack Bad: CREATE"), "{text}");
    let exists = moto.python(
        "import boto3\n\
         c = boto3.client('cloudformation', region_name='us-east-1')\n\
         print(any(s['StackName'] == 'Bad' for s in c.list_stacks()['StackSummaries']))",
    );
    assert_eq!(exists.trim(), "False", "nothing deployed");

    // 6. ARM64: built for linux/arm64.
    let (code, text) = run(&env, "Arm", ctx.path(), "arm64", &["publish"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("building for linux/arm64"), "{text}");
    let tag = registry
        .tags("ferroform-assets")
        .into_iter()
        .find(|t| text.contains(t.as_str()))
        .expect("the arm64 tag");
    let arch = Command::new(&buildah)
        .arg("--root")
        .arg(cache.path().join("buildah/root"))
        .arg("--runroot")
        .arg(cache.path().join("buildah/run"))
        .args([
            "--storage-driver",
            "vfs",
            "inspect",
            "--format",
            "{{.OCIv1.Architecture}}",
        ])
        .arg(format!("localhost/ferroform/ferroform-assets:{tag}"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&arch.stdout).trim(), "arm64");

    // 7. Files on a pinned base, no builder: the base is made here (a file on scratch, built
    // by buildah and pushed to the registry), then the worker's file is added to it.
    let base_ctx = support::temp_dir("publish-base");
    base_ctx.write("Dockerfile", "FROM scratch\nCOPY base.txt /etc/base.txt\n");
    base_ctx.write("base.txt", "the base\n");
    let storage = |c: &mut Command| {
        c.arg("--root")
            .arg(cache.path().join("base/root"))
            .arg("--runroot")
            .arg(cache.path().join("base/run"))
            .args(["--storage-driver", "vfs"]);
    };
    let mut c = Command::new(&buildah);
    storage(&mut c);
    let o = c
        .args([
            "build",
            "--isolation",
            "chroot",
            "--timestamp",
            "0",
            "-t",
            "localhost/base:v1",
        ])
        .arg(base_ctx.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let host = registry.endpoint.trim_start_matches("http://");
    let digest_file = cache.path().join("base.digest");
    let mut c = Command::new(&buildah);
    storage(&mut c);
    let o = c
        .args([
            "push",
            "--tls-verify=false",
            "--creds",
            "AWS:123456789012-auth-token",
            "--digestfile",
        ])
        .arg(&digest_file)
        .arg("localhost/base:v1")
        .arg(format!("docker://{host}/base:v1"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let base_digest = std::fs::read_to_string(&digest_file)
        .unwrap()
        .trim()
        .to_owned();
    let base = format!("{host}/base@{base_digest}");
    let worker = support::temp_dir("publish-worker");
    let bin = worker.write("worker", "#!/bin/sh\necho working\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let (code, text) = run_files(&env, &bin, &base, None, &["publish"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("adding its files to"), "{text}");
    // The base's layer is in the same registry: mounted, not sent again.
    let base_manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(registry.blob_path(&base_digest)).unwrap()).unwrap();
    let base_layer = base_manifest["layers"][0]["digest"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        text.contains(&format!(
            "Image Files/Task/worker: layer {} (",
            &base_layer[..19]
        )) && text.contains(") mounted from base"),
        "{text}"
    );
    let files_tag = registry
        .tags("ferroform-assets")
        .into_iter()
        .find(|t| text.contains(&format!("pushed ferroform-assets:{t}")))
        .unwrap_or_else(|| panic!("no tag pushed:\n{text}"));
    let first = registry.digest("ferroform-assets", &files_tag).unwrap();
    // Again: in the registry already.
    let (code, text) = run_files(&env, &bin, &base, None, &["publish"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("is in the registry already"), "{text}");
    // Another run, another cache directory, another repository: the same digest, byte for
    // byte (nothing in the image depends on the machine, the time or the run).
    env.set(
        "FERROFORM_CACHE_DIR",
        support::temp_dir("publish-cache-2")
            .path()
            .to_str()
            .unwrap(),
    );
    let (code, text) = run_files(&env, &bin, &base, Some("copy"), &["publish"]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(
        registry.digest("copy", &files_tag).as_deref(),
        Some(first.as_str()),
        "{text}"
    );
    // A base in another registry (open to anyone, as a public one is): its layer is streamed
    // from there to the destination, which checks its digest; the same image results.
    let Some(public) = TestRegistry::start_open() else {
        return;
    };
    let public_host = public.endpoint.trim_start_matches("http://");
    let mut c = Command::new(&buildah);
    storage(&mut c);
    let o = c
        .args(["push", "--tls-verify=false", "localhost/base:v1"])
        .arg(format!("docker://{public_host}/base:v1"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let public_base = format!("{public_host}/base@{base_digest}");
    let (code, text) = run_files(&env, &bin, &public_base, Some("streamed"), &["publish"]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains(&format!(
            "Image Files/Task/worker: layer {} (",
            &base_layer[..19]
        )) && !text.contains("mounted from"),
        "{text}"
    );
    let streamed_tag = registry.tags("streamed");
    assert_eq!(streamed_tag.len(), 1, "{text}");
    let streamed: serde_json::Value = serde_json::from_slice(
        &std::fs::read(registry.blob_path(&registry.digest("streamed", &streamed_tag[0]).unwrap()))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(streamed["layers"][0]["digest"], base_layer.as_str());
    assert_eq!(
        std::fs::read(registry.blob_path(&base_layer)).unwrap(),
        std::fs::read(public.blob_path(&base_layer)).unwrap()
    );

    // The image as pushed: the base's layer and ours; our config keeps the base's settings
    // and adds the worker's.
    let manifest_path = |d: &str| registry.blob_path(d);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(manifest_path(&first)).unwrap()).unwrap();
    assert_eq!(
        manifest["layers"].as_array().unwrap().len(),
        2,
        "{manifest:#}"
    );
    let config: serde_json::Value = serde_json::from_slice(
        &std::fs::read(manifest_path(
            manifest["config"]["digest"].as_str().unwrap(),
        ))
        .unwrap(),
    )
    .unwrap();
    assert_eq!(config["architecture"], "amd64");
    assert_eq!(
        config["config"]["Entrypoint"],
        serde_json::json!(["/usr/local/bin/worker"])
    );
    assert_eq!(config["config"]["User"], "10001");
    assert_eq!(config["rootfs"]["diff_ids"].as_array().unwrap().len(), 2);

    // 8. Credentials the registry refuses: a clear error naming the registry and where the
    // credentials came from.
    let Some(other) = TestRegistry::start("AWS", "another-password") else {
        return;
    };
    env.set("FERROFORM_REGISTRY_ENDPOINT", &other.endpoint);
    let (code, text) = run(&env, "Pub", ctx.path(), "x86_64", &["publish"]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains(&format!(
            "registry {} refused the credentials from ECR GetAuthorizationToken",
            other.endpoint
        )),
        "{text}"
    );
    assert!(
        !text.contains("123456789012-auth-token"),
        "no secret printed:\n{text}"
    );

    // 9. Without FERROFORM_REGISTRY_ENDPOINT, ECR's control plane says which images are
    // there: one BatchGetImage per repository, and no builder is started when all are. (The
    // images are put into moto's ECR here, as a push to ECR would.) A missing repository is
    // an error that says how to make it.
    env.unset("FERROFORM_REGISTRY_ENDPOINT");
    env.set("FERROFORM_BUILDER", "/nonexistent/no-builder-should-start");
    let (code, text) = run(&env, "Pub", ctx.path(), "x86_64", &["publish"]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains(
            "ECR repository ferroform-assets does not exist in us-east-1: run `ferroform bootstrap`"
        ),
        "{text}"
    );
    moto.python(&format!(
        "import boto3, json\n\
         ecr = boto3.client('ecr', region_name='us-east-1')\n\
         ecr.create_repository(repositoryName='ferroform-assets')\n\
         m = json.dumps({{'schemaVersion': 2, 'mediaType': 'application/vnd.oci.image.manifest.v1+json', 'config': {{'mediaType': 'application/vnd.oci.image.config.v1+json', 'digest': 'sha256:' + '0' * 64, 'size': 2}}, 'layers': []}})\n\
         ecr.put_image(repositoryName='ferroform-assets', imageManifest=m, imageTag='{v2_tag}')"
    ));
    let (code, text) = run(&env, "Pub", ctx.path(), "x86_64", &["publish"]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains(&format!(
            "ferroform-assets:{v2_tag} is in the registry already"
        )),
        "{text}"
    );

    // 10. The standalone binary with --app: the program's manifest carries its images.
    env.set("FERROFORM_REGISTRY_ENDPOINT", &registry.endpoint);
    let me = std::env::current_exe().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_ferroform"))
        .env(
            "FERROFORM_PUBLISH_CHILD",
            format!("Pub,{},x86_64", ctx.path().display()),
        )
        .envs(env.0.iter().map(|(k, v)| (k, v)))
        .args(["publish", "--app"])
        .arg(format!("{} --", me.display()))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(
        text.contains(&format!(
            "Image Pub/Task/app: ferroform-assets:{v2_tag} is in the registry already"
        )),
        "{text}"
    );

    // 11. --builder names the builder; one that is not there is an input error (exit 2)
    // naming it, and nothing is pushed.
    ctx.write("hello", "hello v3\n");
    let before = registry.tags("ferroform-assets");
    let (code, text) = publish_with_builder(&env, ctx.path(), "/nonexistent/podman");
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("the image builder `/nonexistent/podman` is not installed"),
        "{text}"
    );
    assert_eq!(registry.tags("ferroform-assets"), before);

    // 12. podman builds the same way (`--builder podman`), with its storage where
    // CONTAINERS_STORAGE_CONF says (here a directory of the test's: nothing of the
    // machine's own storage is touched). The image is pushed by ferroform, as buildah's is.
    let Some(podman) = podman() else { return };
    let podman_storage = support::temp_dir("publish-podman");
    let conf = podman_storage.write(
        "storage.conf",
        format!(
            "[storage]\ndriver = \"vfs\"\ngraphroot = \"{0}/root\"\nrunroot = \"{0}/run\"\n",
            podman_storage.path().display()
        ),
    );
    env.set("CONTAINERS_STORAGE_CONF", conf.to_str().unwrap());
    builder_pushes_one_new_tag(&env, &registry, ctx.path(), podman.to_str().unwrap());
    assert!(
        podman_storage.path().join("root").is_dir(),
        "podman kept its images in the test's storage"
    );
    env.unset("CONTAINERS_STORAGE_CONF");

    // 12b. docker builds in its daemon (started for this test), which pushes the image
    // itself with the credentials ferroform gives it; the digest it reports is printed.
    let Some(docker) = TestDocker::start() else {
        return;
    };
    env.set("DOCKER_HOST", &docker.host);
    ctx.write("hello", "hello v4 (docker)\n");
    builder_pushes_one_new_tag(&env, &registry, ctx.path(), "docker");
    env.unset("DOCKER_HOST");
    drop(docker);

    // 13. A registry that cannot be reached: an error naming it, nothing pushed or deployed.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let nowhere = format!("http://127.0.0.1:{closed}");
    env.set("FERROFORM_REGISTRY_ENDPOINT", &nowhere);
    ctx.write("hello", "hello v5\n");
    let (code, text) = run(
        &env,
        "Unreachable",
        ctx.path(),
        "x86_64",
        &["deploy", "--yes", "--progress", "events"],
    );
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains(&format!("registry {nowhere} cannot be reached")),
        "{text}"
    );
    assert!(!text.contains("Stack Unreachable: CREATE"), "{text}");
}
