//! Cross-stack references: a handle, attribute or parameter of another stack of the same app
//! becomes an `Export` in the producer and `Fn::ImportValue` in the consumer, with stable
//! names; deploy order follows the imports; cycles and references outside an app are errors.

use ferroform::iam::{PolicyDocument, Statement};
use ferroform::resources::{ecr, iam, logs, ssm};
use ferroform::{App, Parameter, Stack, fns};
use serde_json::json;

/// The characters CloudFormation allows in an export name ("The Name field of every Export
/// member must be specified and consist only of alphanumeric characters, colons, or hyphens").
fn valid_export_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ':' || c == '-')
}

/// A stack with one resource (a template needs at least one).
fn stack(name: &str) -> Stack {
    let mut s = Stack::new(name);
    s.add("Placeholder", logs::LogGroup::new());
    s
}

fn platform() -> (Stack, ferroform::Handle<ecr::Repository>) {
    let mut platform = Stack::new("Platform");
    let repo = platform.add("WebRepo", ecr::Repository::new());
    (platform, repo)
}

#[test]
fn a_foreign_attribute_becomes_an_export_and_an_import() {
    let (platform, repo) = platform();
    let mut service = stack("Service");
    service.add(
        "Param",
        ssm::Parameter::new(ssm::parameter::Type::String, repo.attr_arn()).name("/web/repo"),
    );
    let mut app = App::new();
    app.add(platform);
    app.add(service);
    let t = app.synth().unwrap();
    assert_eq!(t.len(), 2);
    let (p, s) = (t[0].body(), t[1].body());
    assert_eq!(
        p["Outputs"]["ExportWebRepoArn"],
        json!({"Value": {"Fn::GetAtt": ["WebRepo", "Arn"]}, "Export": {"Name": "Platform:WebRepo:Arn"}})
    );
    assert_eq!(
        s["Resources"]["Param"]["Properties"]["Value"],
        json!({"Fn::ImportValue": "Platform:WebRepo:Arn"})
    );
    // The consumer has no output of its own and the producer nothing else.
    assert!(s.get("Outputs").is_none());
    assert_eq!(p["Outputs"].as_object().unwrap().len(), 1);
}

#[test]
fn ref_and_attributes_each_get_one_export_shared_by_consumers() {
    let (platform, repo) = platform();
    let mut a = stack("A");
    a.output("Name", repo.to_ref());
    a.output("Arn", repo.attr_arn());
    a.output("Again", repo.attr_arn());
    let mut b = stack("B");
    b.output("Arn", repo.attr_arn());
    let mut app = App::new();
    app.add(platform).add(a).add(b);
    let t = app.synth().unwrap();
    let outputs = t[0].body()["Outputs"].as_object().unwrap();
    // Sorted by logical ID, one per value.
    let ids: Vec<&str> = outputs.keys().map(String::as_str).collect();
    assert_eq!(ids, ["ExportWebRepoArn", "ExportWebRepoRef"]);
    assert_eq!(
        outputs["ExportWebRepoRef"],
        json!({"Value": {"Ref": "WebRepo"}, "Export": {"Name": "Platform:WebRepo"}})
    );
    for o in outputs.values() {
        assert!(valid_export_name(o["Export"]["Name"].as_str().unwrap()));
    }
    assert_eq!(
        t[1].body()["Outputs"]["Name"]["Value"],
        json!({"Fn::ImportValue": "Platform:WebRepo"})
    );
}

#[test]
fn imports_inside_sub_join_and_policy_documents() {
    let (platform, repo) = platform();
    let mut service = stack("Service");
    let doc = PolicyDocument::new()
        .statement(Statement::allow(["ecr:BatchGetImage"]).resource(repo.attr_arn()));
    service.add(
        "Role",
        iam::Role::new(PolicyDocument::assumed_by("ecs-tasks.amazonaws.com"))
            .policies(vec![iam::role::Policy::new(doc, "Pull")]),
    );
    service.output(
        "Image",
        fns::sub_with("${Uri}:latest", [("Uri", repo.attr_repository_uri())]),
    );
    service.output("Joined", fns::join("/", vec![repo.to_ref(), "x".into()]));
    let mut app = App::new();
    app.add(platform).add(service);
    let t = app.synth().unwrap();
    let s = t[1].body();
    assert_eq!(
        s["Resources"]["Role"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]["Resource"],
        json!({"Fn::ImportValue": "Platform:WebRepo:Arn"})
    );
    assert_eq!(
        s["Outputs"]["Image"]["Value"],
        json!({"Fn::Sub": ["${Uri}:latest", {"Uri": {"Fn::ImportValue": "Platform:WebRepo:RepositoryUri"}}]})
    );
    assert_eq!(
        s["Outputs"]["Joined"]["Value"],
        json!({"Fn::Join": ["/", [{"Fn::ImportValue": "Platform:WebRepo"}, "x"]]})
    );
    let exports: Vec<&String> = t[0].body()["Outputs"].as_object().unwrap().keys().collect();
    assert_eq!(
        exports,
        [
            "ExportWebRepoArn",
            "ExportWebRepoRef",
            "ExportWebRepoRepositoryUri"
        ]
    );
}

#[test]
fn list_parameters_travel_joined_and_split() {
    let mut network = stack("Network");
    let subnets = network.parameter("Subnets", Parameter::aws_list("AWS::EC2::Subnet::Id"));
    let vpc = network.parameter("VpcId", Parameter::aws("AWS::EC2::VPC::Id"));
    let mut service = stack("Service");
    service.output("First", fns::select(0, subnets.to_ref()));
    service.output("Vpc", vpc.to_ref());
    let mut app = App::new();
    app.add(network).add(service);
    let t = app.synth().unwrap();
    assert_eq!(
        t[0].body()["Outputs"]["ExportSubnetsRef"],
        json!({"Value": {"Fn::Join": [",", {"Ref": "Subnets"}]}, "Export": {"Name": "Network:Subnets"}})
    );
    assert_eq!(
        t[1].body()["Outputs"]["First"]["Value"],
        json!({"Fn::Select": [0, {"Fn::Split": [",", {"Fn::ImportValue": "Network:Subnets"}]}]})
    );
    assert_eq!(
        t[1].body()["Outputs"]["Vpc"]["Value"],
        json!({"Fn::ImportValue": "Network:VpcId"})
    );
}

#[test]
fn templates_come_in_deploy_order_and_names_do_not_depend_on_it() {
    let (platform, repo) = platform();
    let mut service = stack("Service");
    service.output("Arn", repo.attr_arn());
    let mut unrelated = stack("Unrelated");
    unrelated.add("Logs", logs::LogGroup::new());

    let mut app = App::new();
    app.add(service).add(unrelated).add(platform);
    assert_eq!(
        app.deploy_order().unwrap(),
        ["Unrelated", "Platform", "Service"]
    );
    let t = app.synth().unwrap();
    let names: Vec<&str> = t.iter().map(ferroform::Template::name).collect();
    assert_eq!(names, ["Unrelated", "Platform", "Service"]);
    assert_eq!(
        t[1].body()["Outputs"]["ExportWebRepoArn"]["Export"]["Name"],
        "Platform:WebRepo:Arn"
    );
    // Deterministic.
    let again = app.synth().unwrap();
    assert_eq!(t, again);
}

#[test]
fn synthesizing_only_the_producer_still_exports_what_consumers_read() {
    let (platform, repo) = platform();
    let mut service = stack("Service");
    service.output("Arn", repo.attr_arn());
    let mut app = App::new();
    app.add(platform).add(service);
    let only = app.synth_only(&["Platform"]).unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(
        only[0].body()["Outputs"]["ExportWebRepoArn"]["Export"]["Name"],
        "Platform:WebRepo:Arn"
    );
}

#[test]
fn a_cycle_is_an_error_naming_the_stacks() {
    let mut a = stack("A");
    let la = a.add("Logs", logs::LogGroup::new());
    let mut b = stack("B");
    let lb = b.add("Logs", logs::LogGroup::new());
    a.output("FromB", lb.attr_arn());
    b.output("FromA", la.attr_arn());
    let mut app = App::new();
    app.add(a).add(b);
    let err = app.synth().unwrap_err();
    let d = err
        .diagnostics
        .iter()
        .find(|d| d.rule == "FF1010")
        .unwrap_or_else(|| panic!("no cycle error:\n{err}"));
    assert_eq!(
        d.message,
        "stacks import from each other in a cycle: A -> B -> A (each imports from the next)"
    );
    assert!(app.deploy_order().is_err());
}

#[test]
fn outside_an_app_a_foreign_handle_is_still_ff1003() {
    let (_platform, repo) = platform();
    let mut service = stack("Service");
    service.output("Arn", repo.attr_arn());
    let err = service.to_template().unwrap_err();
    assert_eq!(err.diagnostics.len(), 1);
    let d = &err.diagnostics[0];
    assert_eq!(d.rule, "FF1003");
    assert_eq!(d.logical_id.as_deref(), Some("Arn"));
    assert!(d.hint.as_deref().unwrap().contains("App"), "{d}");

    // Also in an app that does not hold the producer.
    let mut app = App::new();
    app.add(service);
    let err = app.synth().unwrap_err();
    assert_eq!(err.diagnostics[0].rule, "FF1003");
}

#[test]
fn depends_on_across_stacks_stays_an_error() {
    let (platform, repo) = platform();
    let mut service = stack("Service");
    let logs = service.add("Logs", logs::LogGroup::new());
    service.options(&logs).depends_on(&repo);
    let mut app = App::new();
    app.add(platform).add(service);
    let err = app.synth().unwrap_err();
    assert!(
        err.diagnostics
            .iter()
            .any(|d| d.rule == "FF1003" && d.path.contains("DependsOn")),
        "{err}"
    );
}

#[test]
fn json_attributes_cannot_be_exported() {
    let mut platform = Stack::new("Platform");
    let repo = platform.add("WebRepo", ecr::Repository::new());
    let mut service = stack("Service");
    let doc: ferroform::Value<serde_json::Value> = repo.get_att("SomeObject");
    service.output("Doc", doc);
    let mut app = App::new();
    app.add(platform).add(service);
    let err = app.synth().unwrap_err();
    assert_eq!(err.diagnostics[0].rule, "FF1003");
    assert!(err.diagnostics[0].message.contains("exports only strings"));
}

#[test]
fn export_value_keeps_an_export_with_the_same_name() {
    // Before: Service reads the repository ARN.
    let build = |consumer_reads: bool, keep: bool| {
        let (mut platform, repo) = platform();
        if keep {
            assert_eq!(
                platform.export_value(repo.attr_arn()),
                "Platform:WebRepo:Arn"
            );
        }
        let mut service = stack("Service");
        if consumer_reads {
            service.output("Arn", repo.attr_arn());
        } else {
            service.add("Logs", logs::LogGroup::new());
        }
        let mut app = App::new();
        app.add(platform).add(service);
        app.synth().unwrap()[0].to_json()
    };
    let before = build(true, false);
    // Step 1: the consumer stops reading, the producer keeps the export: its template does
    // not change, so deploying it first cannot fail on an export in use.
    assert_eq!(build(false, true), before);
    // Keeping an export that is also imported writes it once.
    assert_eq!(build(true, true), before);
    // Step 2: without the keep, the export goes.
    assert!(!build(false, false).contains("ExportWebRepoArn"));
}

#[test]
fn export_value_of_something_else_is_an_error() {
    let (mut platform, _repo) = platform();
    let mut other = stack("Other");
    let foreign = other.add("Logs", logs::LogGroup::new());
    assert_eq!(
        platform.export_value(ferroform::Value::<String>::lit("x".into())),
        ""
    );
    assert_eq!(platform.export_value(fns::join(",", vec!["a", "b"])), "");
    assert_eq!(platform.export_value(foreign.attr_arn()), "");
    let err = platform.to_template().unwrap_err();
    assert_eq!(err.diagnostics.len(), 3);
    assert!(err.diagnostics.iter().all(|d| d.rule == "FF1009"));
}

#[test]
fn an_export_output_id_taken_by_the_user_is_an_error() {
    let (mut platform, repo) = platform();
    platform.output("ExportWebRepoArn", "mine");
    let mut service = stack("Service");
    service.output("Arn", repo.attr_arn());
    let mut app = App::new();
    app.add(platform).add(service);
    let err = app.synth().unwrap_err();
    assert_eq!(err.diagnostics[0].rule, "FF1009");
    assert_eq!(
        err.diagnostics[0].logical_id.as_deref(),
        Some("ExportWebRepoArn")
    );
}

#[test]
fn conditional_resources_are_exported_under_their_condition() {
    let mut platform = Stack::new("Platform");
    let env = platform.parameter("Env", Parameter::string());
    let prod = platform.condition("IsProd", fns::equals(env.to_ref(), "prod"));
    let repo = platform.add("WebRepo", ecr::Repository::new());
    platform.options(&repo).condition(&prod);
    let mut service = stack("Service");
    service.output("Arn", repo.attr_arn());
    let mut app = App::new();
    app.add(platform).add(service);
    let t = app.synth().unwrap();
    assert_eq!(
        t[0].body()["Outputs"]["ExportWebRepoArn"]["Condition"],
        "IsProd"
    );
}

/// Issue #15: stacks in different regions or accounts read each other's values with
/// `Fn::GetStackOutput` (region, and across accounts the producer's lookup role), from an
/// output without an export; the same account and region keep `Fn::ImportValue`; what cannot
/// be read (no region, no role) is an error naming the stack and what to give.
#[test]
fn stacks_in_other_regions_or_accounts_read_outputs_with_get_stack_output() {
    use ferroform::Env;
    let mut platform = Stack::new("Platform");
    platform.env(
        Env::new("111111111111", "eu-west-1")
            .lookup_role("arn:aws:iam::111111111111:role/read-outputs"),
    );
    let repo = platform.add("WebRepo", ecr::Repository::new());
    let subnets = platform.parameter("Subnets", Parameter::aws_list("AWS::EC2::Subnet::Id"));

    // Another region, same account.
    let mut east = stack("East");
    east.env(Env::new("111111111111", "us-east-1"));
    east.output("Repo", repo.attr_arn());
    east.output("Subnets", fns::join(",", subnets.to_ref()));
    // Another account.
    let mut other = stack("Other");
    other.env(Env::new("222222222222", "eu-west-1"));
    other.output("Repo", repo.attr_arn());
    // Same account and region.
    let mut near = stack("Near");
    near.env(Env::new("111111111111", "eu-west-1"));
    near.output("Uri", repo.attr_repository_uri());
    near.output("Repo", repo.attr_arn());

    let mut app = App::new();
    app.add(east).add(other).add(near).add(platform);
    assert_eq!(
        app.deploy_order().unwrap()[0],
        "Platform",
        "the producer first"
    );
    let t = app.synth().expect("valid app");
    let body = |name: &str| t.iter().find(|x| x.name() == name).unwrap().body().clone();
    // Each template keeps where its stack is deployed (the deploy and the manifest read it).
    let env_of = |name: &str| t.iter().find(|x| x.name() == name).unwrap().env().cloned();
    assert_eq!(env_of("East"), Some(Env::new("111111111111", "us-east-1")));
    assert_eq!(env_of("Other"), Some(Env::new("222222222222", "eu-west-1")));
    assert_eq!(
        body("East")["Outputs"]["Repo"]["Value"],
        json!({"Fn::GetStackOutput": {"StackName": "Platform", "OutputName": "ExportWebRepoArn", "Region": "eu-west-1"}})
    );
    assert_eq!(
        body("East")["Outputs"]["Subnets"]["Value"]["Fn::Join"][1],
        json!({"Fn::Split": [",", {"Fn::GetStackOutput": {"StackName": "Platform", "OutputName": "ExportSubnetsRef", "Region": "eu-west-1"}}]})
    );
    assert_eq!(
        body("Other")["Outputs"]["Repo"]["Value"]["Fn::GetStackOutput"]["RoleArn"],
        "arn:aws:iam::111111111111:role/read-outputs"
    );
    assert_eq!(
        body("Near")["Outputs"]["Uri"]["Value"],
        json!({"Fn::ImportValue": "Platform:WebRepo:RepositoryUri"})
    );
    let outputs = body("Platform")["Outputs"].clone();
    // Read only from other places: an output, no export.
    assert!(
        outputs["ExportSubnetsRef"].get("Export").is_none(),
        "{outputs}"
    );
    assert_eq!(
        outputs["ExportSubnetsRef"]["Value"],
        json!({"Fn::Join": [",", {"Ref": "Subnets"}]})
    );
    // Read from here and elsewhere: one output, exported.
    assert_eq!(
        outputs["ExportWebRepoArn"]["Export"]["Name"], "Platform:WebRepo:Arn",
        "{outputs}"
    );
    assert_eq!(
        outputs.as_object().unwrap().len(),
        3,
        "one output per value: {outputs}"
    );

    // Across accounts without a lookup role, or from a stack with no region: errors.
    let mut unbound = Stack::new("Unbound");
    let logs_group = unbound.add("Logs", logs::LogGroup::new());
    let mut far = stack("Far");
    far.env(Env::new("333333333333", "ap-southeast-1"));
    far.output("Logs", logs_group.to_ref());
    let mut bad = App::new();
    bad.add(unbound).add(far);
    let e = bad.synth().unwrap_err().to_string();
    assert!(e.contains("`Logs` of stack `Unbound` cannot be read from this stack: it is in another region than this stack, and has no region of its own"), "{e}");

    let mut prod = Stack::new("Prod");
    prod.env(Env::new("444444444444", "eu-west-1"));
    let prod_logs = prod.add("Logs", logs::LogGroup::new());
    let mut audit = stack("Audit");
    audit.env(Env::new("555555555555", "eu-west-1"));
    audit.output("Logs", prod_logs.to_ref());
    let mut bad = App::new();
    bad.add(prod).add(audit);
    let e = bad.synth().unwrap_err().to_string();
    assert!(
        e.contains("another account, and its Env has no lookup_role"),
        "{e}"
    );
}

/// A stack set's instances live in other accounts and regions: a handle crossing between
/// it and another stack of the app is FF1012 (both ways, once per pair of stacks), and its
/// targets are checked (FF1011), every problem at once.
#[test]
fn handles_do_not_cross_a_stack_set_and_its_targets_are_checked() {
    use ferroform::StackSet;
    let (platform, repo) = platform();
    let mut baseline = stack("Baseline");
    baseline.output("Repo", repo.attr_arn());
    baseline.output("RepoAgain", repo.to_ref());
    let audit = baseline.add("Audit", logs::LogGroup::new());
    let mut service = stack("Service");
    service.output("Audit", audit.to_ref());
    let mut app = App::new();
    app.add(platform);
    app.add_stack_set(
        baseline,
        StackSet::self_managed()
            .accounts(["111111111111", "12345"])
            .regions(["us-east-1"]),
    );
    app.add(service);
    let e = app.synth().unwrap_err();
    let mut found: Vec<(&str, &str)> = e
        .diagnostics
        .iter()
        .map(|d| (d.rule, d.source.as_str()))
        .collect();
    found.sort_unstable();
    assert_eq!(
        found,
        [
            ("FF1011", "Baseline"),
            ("FF1012", "Baseline"),
            ("FF1012", "Service"),
        ],
        "{e}"
    );
    let text = e.to_string();
    assert!(
        text.contains(
            "stack Baseline uses a handle of stack Platform, and Baseline is a stack set"
        ),
        "{text}"
    );
    assert!(text.contains("`12345` is not an account ID"), "{text}");
    assert!(
        text.contains("stack Service uses a handle of stack Baseline, and Baseline is a stack set"),
        "{text}"
    );
}

/// A valid stack set synthesizes like any stack, its template keeps no export, and the
/// manifest of `synth --out` carries its targets for the commands that deploy it.
#[test]
fn a_stack_set_is_synthesized_and_its_targets_reach_the_manifest() {
    use ferroform::StackSet;
    use ferroform::app::Manifest;
    let mut app = App::new();
    app.add(stack("Platform"));
    let set = StackSet::service_managed()
        .organizational_units(["ou-ab12-cd34ef56"])
        .regions(["us-east-1", "eu-west-1"])
        .regions_in_parallel();
    app.add_stack_set(stack("Baseline"), set.clone());
    let t = app.synth().unwrap();
    assert_eq!(t[1].stack_set(), Some(&set));
    assert_eq!(t[0].stack_set(), None);
    let dir = std::env::temp_dir().join(format!(
        "ferroform-stackset-manifest-{}",
        std::process::id()
    ));
    ferroform::app::write_out_dir(&dir, &t, ferroform::Format::Json, &[]).unwrap();
    let m = Manifest::parse(&std::fs::read_to_string(dir.join(ferroform::app::MANIFEST)).unwrap())
        .unwrap();
    assert_eq!(m.stack_sets, [("Baseline".to_owned(), set)]);
    let text = std::fs::read_to_string(dir.join(ferroform::app::MANIFEST)).unwrap();
    assert!(
        text.contains("\"permissionModel\": \"SERVICE_MANAGED\""),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A stack set's stack may not build images from source: they are published to the
/// deploying account's asset repository only, which the instances' accounts cannot pull
/// from (FF1013, naming the container).
#[test]
fn a_stack_set_stack_building_an_image_from_source_is_refused() {
    use ferroform::StackSet;
    use ferroform::ecs::{
        ContainerImage, ContainerProps, FargateSize, TaskDefinition, TaskDefinitionProps,
    };
    let mut baseline = Stack::new("Baseline");
    let task = TaskDefinition::new(
        &mut baseline,
        "Agent",
        TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512),
    );
    task.add_container(
        &mut baseline,
        ContainerProps::new(
            "agent",
            ContainerImage::from_directory("../examples/from_source/web"),
        ),
    );
    let mut app = App::new();
    app.add_stack_set(
        baseline,
        StackSet::self_managed()
            .accounts(["111111111111"])
            .regions(["us-east-1"]),
    );
    let e = app.synth().unwrap_err();
    let found: Vec<(&str, &str)> = e
        .diagnostics
        .iter()
        .map(|d| (d.rule, d.source.as_str()))
        .collect();
    assert_eq!(found, [("FF1013", "Baseline")], "{e}");
    assert!(e.to_string().contains("`Baseline/Agent/agent`"), "{e}");
}
