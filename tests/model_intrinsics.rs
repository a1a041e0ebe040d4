//! The template model, checked against the shapes of the CloudFormation documentation:
//! every intrinsic function and pseudo parameter, literals that look like intrinsics,
//! determinism and ordering, logical ID and cross-stack diagnostics, parameters, outputs and
//! resource attributes.
//!
//! Expected JSON is written from the CloudFormation User Guide / Template Reference
//! ("Intrinsic function reference", "Pseudo parameters reference", "Parameters",
//! "Outputs", "Resource attribute reference"), not from ferroform's output. Where the docs
//! allow two spellings (an index as `0` or `"0"`), the comment says which one the typed API
//! gives and why. The last test has the pinned cfn-lint validate a template that uses every
//! function, as an independent check of the shapes.

mod support;

use std::fmt::Debug;

use ferroform::{
    DeletionPolicy, Diagnostic, Format, List, Mapping, Param, Parameter, RawResource, Render,
    Severity, Stack, Template, UpdateReplacePolicy, Value, fns, pseudo,
};
use serde_json::{Value as Json, json};

// ---------------------------------------------------------------------------------------
// Helpers

fn wait_handle() -> RawResource {
    RawResource::new("AWS::CloudFormation::WaitConditionHandle", json!({}))
}

fn synth(stack: &Stack) -> Template {
    stack
        .to_template()
        .unwrap_or_else(|e| panic!("stack `{}` should synthesize:\n{e}", stack.name()))
}

/// Put `value` into an output named `Probe` of `stack`, synthesize, and return the
/// rendered `Outputs.Probe.Value` and the whole template body.
fn probe<T: Render + Debug + 'static>(stack: &mut Stack, value: Value<T>) -> (Json, Json) {
    stack.output::<T>("Probe", value);
    let t = synth(stack);
    let body = t.body().clone();
    let v = body["Outputs"]["Probe"]["Value"].clone();
    (v, body)
}

/// A value rendered in a fresh stack (for expressions that need nothing from the stack).
fn render<T: Render + Debug + 'static>(value: Value<T>) -> Json {
    probe(&mut Stack::new("Probe"), value).0
}

fn top_keys(body: &Json) -> Vec<String> {
    body.as_object()
        .expect("template is an object")
        .keys()
        .cloned()
        .collect()
}

fn synth_err(stack: &Stack) -> Vec<Diagnostic> {
    match stack.to_template() {
        Ok(t) => panic!(
            "stack `{}` should not synthesize, got:\n{}",
            stack.name(),
            t.to_json()
        ),
        Err(e) => e.diagnostics,
    }
}

fn brief(diags: &[Diagnostic]) -> Vec<(String, Option<String>, String)> {
    diags
        .iter()
        .map(|d| (d.rule.to_owned(), d.logical_id.clone(), d.path.clone()))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Ref and Fn::GetAtt

#[test]
fn ref_to_a_resource_and_to_a_parameter() {
    let mut stack = Stack::new("Refs");
    let repo = stack.add_raw("Repo", RawResource::new("AWS::ECR::Repository", json!({})));
    let p = stack.parameter("ImageTag", Parameter::string());
    stack.output::<String>("R", repo.to_ref());
    stack.output::<String>("P", p.to_ref());
    let body = synth(&stack).body().clone();
    // { "Ref" : "logicalName" }
    assert_eq!(body["Outputs"]["R"]["Value"], json!({"Ref": "Repo"}));
    assert_eq!(body["Outputs"]["P"]["Value"], json!({"Ref": "ImageTag"}));
}

#[test]
fn get_att_is_a_two_item_list() {
    let mut stack = Stack::new("GetAtt");
    let repo = stack.add_raw("Repo", RawResource::new("AWS::ECR::Repository", json!({})));
    let db = stack.add_raw("Db", RawResource::new("AWS::RDS::DBInstance", json!({})));
    stack.output::<String>("Arn", repo.get_att("Arn"));
    // nested attribute names keep their dot: [ "MyDB", "Endpoint.Address" ]
    stack.output::<String>("Address", db.get_att("Endpoint.Address"));
    let body = synth(&stack).body().clone();
    // { "Fn::GetAtt" : [ "logicalNameOfResource", "attributeName" ] }
    assert_eq!(
        body["Outputs"]["Arn"]["Value"],
        json!({"Fn::GetAtt": ["Repo", "Arn"]})
    );
    assert_eq!(
        body["Outputs"]["Address"]["Value"],
        json!({"Fn::GetAtt": ["Db", "Endpoint.Address"]})
    );
}

// ---------------------------------------------------------------------------------------
// String functions

#[test]
fn sub_with_a_string_and_with_a_variable_map() {
    // { "Fn::Sub" : String }
    assert_eq!(
        render(fns::sub("arn:${AWS::Partition}:s3:::${Bucket}/*")),
        json!({"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/*"})
    );
    // { "Fn::Sub" : [ String, { Var1Name: Var1Value, Var2Name: Var2Value } ] }
    let mut stack = Stack::new("Sub");
    let p = stack.parameter("P", Parameter::string());
    let (v, _) = probe(
        &mut stack,
        fns::sub_with(
            "x-${Name}-${Region}-${Lit}",
            [
                ("Name", p.to_ref()),
                ("Region", pseudo::region()),
                ("Lit", "literal".into()),
            ],
        ),
    );
    assert_eq!(
        v,
        json!({"Fn::Sub": ["x-${Name}-${Region}-${Lit}", {
            "Name": {"Ref": "P"},
            "Region": {"Ref": "AWS::Region"},
            "Lit": "literal"
        }]})
    );
    // The variable map keeps the order given (deterministic output).
    let vars: Vec<&String> = v["Fn::Sub"][1].as_object().unwrap().keys().collect();
    assert_eq!(vars, ["Name", "Region", "Lit"]);
}

#[test]
fn join_of_a_literal_list_and_of_a_list_expression() {
    // { "Fn::Join" : [ "delimiter", [ comma-delimited list of values ] ] }
    assert_eq!(
        render(fns::join(
            ":",
            vec![
                Value::from("arn"),
                pseudo::partition(),
                "s3".into(),
                "".into(),
                "".into(),
                "bucket".into(),
            ]
        )),
        json!({"Fn::Join": [":", ["arn", {"Ref": "AWS::Partition"}, "s3", "", "", "bucket"]]})
    );
    let mut stack = Stack::new("Join");
    let subnets = stack.parameter("Subnets", Parameter::aws_list("AWS::EC2::Subnet::Id"));
    let (v, _) = probe(&mut stack, fns::join(",", subnets.to_ref()));
    assert_eq!(v, json!({"Fn::Join": [",", {"Ref": "Subnets"}]}));
}

#[test]
fn select_split_and_get_azs() {
    // { "Fn::Select" : [ index, listOfObjects ] }. The docs' examples quote the index
    // ("1"); an integer is equally valid, and the typed API takes a Value<i64>, so it is
    // written as a JSON number.
    assert_eq!(
        render(fns::select(
            1,
            vec![Value::from("apples"), "grapes".into(), "oranges".into()]
        )),
        json!({"Fn::Select": [1, ["apples", "grapes", "oranges"]]})
    );
    // { "Fn::Select" : [ "0", { "Fn::GetAZs" : "" } ] }
    assert_eq!(
        render(fns::select(0, fns::get_azs(""))),
        json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]})
    );
    // { "Fn::GetAZs" : { "Ref" : "AWS::Region" } } and a literal region
    assert_eq!(
        render(fns::get_azs(pseudo::region())),
        json!({"Fn::GetAZs": {"Ref": "AWS::Region"}})
    );
    assert_eq!(
        render(fns::get_azs("us-east-1")),
        json!({"Fn::GetAZs": "us-east-1"})
    );
    // { "Fn::Split" : [ "delimiter", "source string" ] }
    assert_eq!(
        render(fns::split("|", "a|b|c")),
        json!({"Fn::Split": ["|", "a|b|c"]})
    );
    // { "Fn::Select" : [ "2", { "Fn::Split": [",", {"Fn::ImportValue": "AccountSubnetIDs"}]}] }
    assert_eq!(
        render(fns::select(
            2,
            fns::split(",", fns::import_value::<String>("AccountSubnetIDs"))
        )),
        json!({"Fn::Select": [2, {"Fn::Split": [",", {"Fn::ImportValue": "AccountSubnetIDs"}]}]})
    );
}

#[test]
fn import_value_base64_and_cidr() {
    // { "Fn::ImportValue" : sharedValueToImport }
    assert_eq!(
        render(fns::import_value::<String>("Shared-VpcId")),
        json!({"Fn::ImportValue": "Shared-VpcId"})
    );
    // { "Fn::ImportValue" : {"Fn::Sub": "${NetworkStackNameParameter}-SubnetID" } }
    let mut stack = Stack::new("Import");
    stack.parameter("NetworkStackNameParameter", Parameter::string());
    let (v, _) = probe(
        &mut stack,
        fns::import_value::<String>(fns::sub("${NetworkStackNameParameter}-SubnetID")),
    );
    assert_eq!(
        v,
        json!({"Fn::ImportValue": {"Fn::Sub": "${NetworkStackNameParameter}-SubnetID"}})
    );
    // { "Fn::Base64" : valueToEncode }
    assert_eq!(
        render(fns::base64("#!/bin/bash\necho hi\n")),
        json!({"Fn::Base64": "#!/bin/bash\necho hi\n"})
    );
    assert_eq!(
        render(fns::base64(fns::sub("echo ${AWS::StackName}"))),
        json!({"Fn::Base64": {"Fn::Sub": "echo ${AWS::StackName}"}})
    );
    // { "Fn::Cidr" : [ipBlock, count, cidrBits]}; the docs' example quotes the numbers
    // ("6", "5"); the typed API takes Value<i64>, written as JSON numbers (also valid).
    assert_eq!(
        render(fns::cidr("192.168.0.0/24", 6, 5)),
        json!({"Fn::Cidr": ["192.168.0.0/24", 6, 5]})
    );
    let mut stack = Stack::new("Cidr");
    let vpc = stack.add_raw("Vpc", RawResource::new("AWS::EC2::VPC", json!({})));
    let (v, _) = probe(
        &mut stack,
        fns::select(0, fns::cidr(vpc.get_att("CidrBlock"), 4, 8)),
    );
    assert_eq!(
        v,
        json!({"Fn::Select": [0, {"Fn::Cidr": [{"Fn::GetAtt": ["Vpc", "CidrBlock"]}, 4, 8]}]})
    );
}

// ---------------------------------------------------------------------------------------
// Fn::FindInMap and the AWS::LanguageExtensions functions

#[test]
fn find_in_map_without_default_needs_no_transform() {
    let mut stack = Stack::new("Map");
    let m = stack.mapping(
        "RegionMap",
        Mapping::new()
            .entry("us-east-1", "HVM64", "ami-0ff8a91507f77f867")
            .entry("us-west-1", "HVM64", "ami-0bdb828fd58c52235"),
    );
    // { "Fn::FindInMap" : [ "MapName", "TopLevelKey", "SecondLevelKey"] }
    let (v, body) = probe(
        &mut stack,
        fns::find_in_map::<String>(&m, pseudo::region(), "HVM64"),
    );
    assert_eq!(
        v,
        json!({"Fn::FindInMap": ["RegionMap", {"Ref": "AWS::Region"}, "HVM64"]})
    );
    assert_eq!(body.get("Transform"), None, "no transform is needed");
    assert_eq!(
        body["Mappings"],
        json!({"RegionMap": {
            "us-east-1": {"HVM64": "ami-0ff8a91507f77f867"},
            "us-west-1": {"HVM64": "ami-0bdb828fd58c52235"}
        }})
    );
}

#[test]
fn find_in_map_with_default_adds_the_language_extensions_transform() {
    let mut stack = Stack::new("MapDefault");
    let m = stack.mapping("M", Mapping::new().entry("a", "b", "c"));
    // { "Fn::FindInMap" : [ "MapName", "TopLevelKey", "SecondLevelKey",
    //                       {"DefaultValue": "DefaultValue"} ] }
    let (v, body) = probe(&mut stack, fns::find_in_map_or::<String>(&m, "a", "b", "d"));
    assert_eq!(
        v,
        json!({"Fn::FindInMap": ["M", "a", "b", {"DefaultValue": "d"}]})
    );
    // "Transform": "AWS::LanguageExtensions"
    assert_eq!(body["Transform"], json!("AWS::LanguageExtensions"));
}

#[test]
fn language_extensions_come_before_other_transforms_and_only_once() {
    // AWS::LanguageExtensions must be processed before AWS::Serverless (SAM fails
    // otherwise), so it is listed first.
    let mut stack = Stack::new("Transforms");
    stack.transform("AWS::Serverless-2016-10-31");
    let l = stack.parameter("L", Parameter::comma_delimited_list());
    let (_, body) = probe(&mut stack, fns::length::<String>(l.to_ref()));
    assert_eq!(
        body["Transform"],
        json!(["AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"])
    );

    // Added by hand and needed: listed once.
    let mut stack = Stack::new("Transforms2");
    stack.transform("AWS::LanguageExtensions");
    stack.transform("AWS::LanguageExtensions");
    let (_, body) = probe(
        &mut stack,
        fns::to_json_string::<Json>(Value::lit(json!({"a": 1}))),
    );
    assert_eq!(body["Transform"], json!("AWS::LanguageExtensions"));
}

#[test]
fn length_and_to_json_string_add_the_transform() {
    let mut stack = Stack::new("Length");
    let l = stack.parameter("Subnets", Parameter::comma_delimited_list());
    // { "Fn::Length" : IntrinsicFunction }
    let (v, body) = probe(&mut stack, fns::length::<String>(l.to_ref()));
    assert_eq!(v, json!({"Fn::Length": {"Ref": "Subnets"}}));
    assert_eq!(body["Transform"], json!("AWS::LanguageExtensions"));

    // { "Fn::Length" : Array }
    let mut stack = Stack::new("Length2");
    let (v, _) = probe(
        &mut stack,
        fns::length::<i64>(vec![Value::from(1), 2.into(), 3.into()]),
    );
    assert_eq!(v, json!({"Fn::Length": [1, 2, 3]}));

    // { "Fn::ToJsonString": Object }
    let mut stack = Stack::new("ToJson");
    let (v, body) = probe(
        &mut stack,
        fns::to_json_string::<Json>(Value::lit(json!({"key": "value", "n": [1, 2]}))),
    );
    assert_eq!(
        v,
        json!({"Fn::ToJsonString": {"key": "value", "n": [1, 2]}})
    );
    assert_eq!(body["Transform"], json!("AWS::LanguageExtensions"));

    // { "Fn::ToJsonString": Array } with expressions inside
    let mut stack = Stack::new("ToJson2");
    let (v, _) = probe(
        &mut stack,
        fns::to_json_string::<List<String>>(vec![pseudo::region(), "x".into()]),
    );
    assert_eq!(
        v,
        json!({"Fn::ToJsonString": [{"Ref": "AWS::Region"}, "x"]})
    );
}

#[test]
fn a_stack_without_extension_functions_has_no_transform() {
    let mut stack = Stack::new("NoTransform");
    let m = stack.mapping("M", Mapping::new().entry("a", "b", "c"));
    let r = stack.add_raw("R", wait_handle());
    let parts: Vec<Value<String>> = vec![
        r.to_ref(),
        fns::find_in_map(&m, "a", "b"),
        fns::sub("x"),
        fns::select(0, fns::get_azs("")),
        fns::base64("x"),
        fns::import_value("x"),
    ];
    let (_, body) = probe(&mut stack, fns::join("", parts));
    assert!(body.get("Transform").is_none(), "{body:#}");
}

/// The `Value` docs: expressions can sit inside `serde_json::json!` documents (IAM policies,
/// raw resources). A function that needs the `AWS::LanguageExtensions` transform must add
/// it there too, or CloudFormation rejects the template.
#[test]
fn extension_functions_inside_json_documents_add_the_transform() {
    let mut stack = Stack::new("JsonDoc");
    let l = stack.parameter("Subnets", Parameter::comma_delimited_list());
    stack.add_raw(
        "Doc",
        RawResource::new(
            "AWS::SSM::Parameter",
            json!({"Type": "String", "Value": fns::to_json_string::<Json>(Value::lit(json!({"n": fns::length::<String>(l.to_ref())})))}),
        ),
    );
    let body = synth(&stack).body().clone();
    assert_eq!(
        body["Resources"]["Doc"]["Properties"]["Value"],
        json!({"Fn::ToJsonString": {"n": {"Fn::Length": {"Ref": "Subnets"}}}})
    );
    assert_eq!(
        body.get("Transform"),
        Some(&json!("AWS::LanguageExtensions")),
        "Fn::ToJsonString / Fn::Length in a raw resource need the transform:\n{body:#}"
    );
}

/// Plain JSON is checked wherever it is written — a raw resource's properties, a resource's
/// Metadata, CreationPolicy and UpdatePolicy — and nowhere else: each dangling reference is
/// FF1005 (an error) at its own path, a `Ref` to a parameter and a `Fn::GetAtt` of a resource
/// are fine, and the stack's own Metadata may name anything but still adds the transform.
#[test]
fn references_in_plain_json_are_checked_where_they_are_written() {
    let mut stack = Stack::new("Plain");
    stack.parameter("Env", Parameter::string());
    let q = stack.add_raw(
        "Queue",
        RawResource::new(
            "AWS::SQS::Queue",
            json!({"QueueName": {"Fn::Sub": "q"}, "Tags": [{"Key": "env", "Value": {"Ref": "Env"}}]}),
        ),
    );
    stack.add_raw(
        "Param",
        RawResource::new(
            "AWS::SSM::Parameter",
            json!({"Type": "String", "Value": {"Fn::GetAtt": ["Queue", "Arn"]},
                   "Name": [{"Ref": "Missing"}], "Description": {"Fn::GetAtt": "Env.Value"}}),
        ),
    );
    stack
        .options(&q)
        .metadata(json!({"Note": {"Ref": "Gone"}}))
        .creation_policy(json!({"ResourceSignal": {"Count": {"Fn::GetAtt": ["Nowhere", "N"]}}}))
        .update_policy(json!({"X": {"Ref": "Queue"}}));
    stack.metadata(
        "Notes",
        json!({"Anything": {"Ref": "NotHere"}, "N": {"Fn::Length": [1]}}),
    );
    let found: Vec<(String, String, String, String)> = synth_err(&stack)
        .iter()
        .map(|d| {
            (
                format!("{:?}", d.severity),
                d.rule.to_string(),
                d.logical_id.clone().unwrap_or_default(),
                d.path.clone(),
            )
        })
        .collect();
    let want: Vec<(String, String, String, String)> = [
        ("Param", "Param.Properties.Name[0]"),
        ("Param", "Param.Properties.Description"),
        ("Queue", "Queue.Metadata.Note"),
        ("Queue", "Queue.CreationPolicy.ResourceSignal.Count"),
    ]
    .iter()
    .map(|(id, path)| {
        (
            "Error".to_owned(),
            "FF1005".to_owned(),
            (*id).to_owned(),
            (*path).to_owned(),
        )
    })
    .collect();
    let mut sorted = found.clone();
    sorted.sort();
    let mut want_sorted = want;
    want_sorted.sort();
    assert_eq!(sorted, want_sorted, "{found:#?}");

    // Without the dangling ones, the stack synthesizes, and the Fn::Length in its Metadata
    // brought the transform.
    let mut ok = Stack::new("PlainOk");
    ok.metadata(
        "Notes",
        json!({"Anything": {"Ref": "NotHere"}, "N": {"Fn::Length": [1]}}),
    );
    ok.add_raw("Queue", RawResource::new("AWS::SQS::Queue", json!({})));
    let body = synth(&ok).body().clone();
    assert_eq!(
        body.get("Transform"),
        Some(&json!("AWS::LanguageExtensions")),
        "{body:#}"
    );
}

// ---------------------------------------------------------------------------------------
// Conditions

#[test]
fn condition_functions() {
    let mut stack = Stack::new("Conds");
    let env = stack.parameter(
        "EnvType",
        Parameter::string().allowed_values(["prod", "test"]),
    );
    // { "Fn::Equals" : [ {"Ref" : "EnvironmentType"}, "prod" ] }
    let is_prod = stack.condition("IsProd", fns::equals::<String>(env.to_ref(), "prod"));
    // { "Fn::Not" : [{ "Condition" : "IsProd" }] }
    let not_prod = stack.condition("NotProd", fns::not(fns::condition(&is_prod)));
    // { "Fn::And": [ {"Fn::Equals": ["sg-mysggroup", {"Ref": "ASecurityGroup"}]},
    //                {"Condition": "SomeOtherCondition"} ] }
    stack.condition(
        "Both",
        fns::and([
            fns::equals::<String>("sg-mysggroup", pseudo::region()),
            fns::condition(&not_prod),
        ]),
    );
    // { "Fn::Or" : [ {"Fn::Equals" : ["sg-mysggroup", {"Ref" : "ASecurityGroup"}]},
    //                {"Condition" : "SomeOtherCondition"} ] }
    stack.condition(
        "Either",
        fns::or([
            fns::equals::<String>(pseudo::region(), "us-east-1"),
            fns::condition(&is_prod),
            fns::not(fns::equals::<String>(env.to_ref(), "test")),
        ]),
    );
    let body = synth(&stack).body().clone();
    assert_eq!(
        body["Conditions"],
        json!({
            "IsProd": {"Fn::Equals": [{"Ref": "EnvType"}, "prod"]},
            "NotProd": {"Fn::Not": [{"Condition": "IsProd"}]},
            "Both": {"Fn::And": [
                {"Fn::Equals": ["sg-mysggroup", {"Ref": "AWS::Region"}]},
                {"Condition": "NotProd"}
            ]},
            "Either": {"Fn::Or": [
                {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]},
                {"Condition": "IsProd"},
                {"Fn::Not": [{"Fn::Equals": [{"Ref": "EnvType"}, "test"]}]}
            ]}
        })
    );
    let names: Vec<&String> = body["Conditions"].as_object().unwrap().keys().collect();
    assert_eq!(names, ["IsProd", "NotProd", "Both", "Either"]);
}

#[test]
fn fn_if_with_no_value() {
    let mut stack = Stack::new("If");
    let env = stack.parameter("Env", Parameter::string());
    let is_prod = stack.condition("IsProd", fns::equals::<String>(env.to_ref(), "prod"));
    // { "Fn::If": [condition_name, value_if_true, value_if_false] }
    // with { "Ref" : "AWS::NoValue" } to drop a property
    let (v, _) = probe(
        &mut stack,
        fns::if_::<String>(&is_prod, "db.m5.large", pseudo::no_value()),
    );
    assert_eq!(
        v,
        json!({"Fn::If": ["IsProd", "db.m5.large", {"Ref": "AWS::NoValue"}]})
    );
    let mut stack = Stack::new("If2");
    let env = stack.parameter("Env", Parameter::string());
    let c = stack.condition("C", fns::equals::<String>(env.to_ref(), "x"));
    let (v, _) = probe(
        &mut stack,
        fns::if_::<i64>(&c, 3, fns::length::<String>(vec![Value::from("a")])),
    );
    assert_eq!(v, json!({"Fn::If": ["C", 3, {"Fn::Length": ["a"]}]}));
}

// ---------------------------------------------------------------------------------------
// Pseudo parameters

#[test]
fn every_pseudo_parameter_is_a_ref() {
    let cases: Vec<(Json, &str)> = vec![
        (render(pseudo::region()), "AWS::Region"),
        (render(pseudo::account_id()), "AWS::AccountId"),
        (render(pseudo::partition()), "AWS::Partition"),
        (render(pseudo::stack_name()), "AWS::StackName"),
        (render(pseudo::stack_id()), "AWS::StackId"),
        (render(pseudo::url_suffix()), "AWS::URLSuffix"),
        (render(pseudo::no_value::<String>()), "AWS::NoValue"),
        (render(pseudo::notification_arns()), "AWS::NotificationARNs"),
    ];
    for (got, name) in cases {
        assert_eq!(got, json!({"Ref": name}), "pseudo parameter {name}");
    }
    // also when serialized on their own (serde), e.g. inside json! documents
    assert_eq!(
        serde_json::to_value(pseudo::url_suffix()).unwrap(),
        json!({"Ref": "AWS::URLSuffix"})
    );
    assert_eq!(
        serde_json::to_value(fns::select(0, pseudo::notification_arns())).unwrap(),
        json!({"Fn::Select": [0, {"Ref": "AWS::NotificationARNs"}]})
    );
}

// ---------------------------------------------------------------------------------------
// Literals are literals

#[test]
fn literal_strings_that_look_like_intrinsics_stay_strings() {
    let looks = [
        "{\"Ref\": \"X\"}",
        "!Ref X",
        "!GetAtt A.Arn",
        "Fn::Sub",
        "${AWS::Region}",
        "{\"Fn::GetAtt\": [\"A\", \"B\"]}",
    ];
    let mut stack = Stack::new("Literals");
    for (i, s) in looks.iter().enumerate() {
        stack.output::<String>(&format!("O{i}"), *s);
    }
    let t = synth(&stack);
    let yaml: Json = serde_yaml::from_str(&t.to_yaml()).expect("YAML parses");
    for (i, s) in looks.iter().enumerate() {
        let key = format!("O{i}");
        assert_eq!(
            t.body()["Outputs"][&key]["Value"],
            json!(s),
            "JSON of {s:?}"
        );
        assert_eq!(yaml["Outputs"][&key]["Value"], json!(s), "YAML of {s:?}");
    }
    // "!Ref X" must be quoted in YAML, or it would be a short-form Ref.
    assert!(t.to_yaml().contains("Value: \"!Ref X\""), "{}", t.to_yaml());
    assert!(
        !t.to_json().contains("\"Value\": {"),
        "no output value is an object:\n{}",
        t.to_json()
    );
}

// ---------------------------------------------------------------------------------------
// Determinism and order

fn big_stack() -> Stack {
    let mut stack = Stack::new("Big");
    stack.description("determinism");
    stack.metadata("Zeta", json!({"b": 1, "a": 2, "c": [3, {"z": 1, "y": 2}]}));
    stack.metadata("Alpha", json!("x"));
    let env = stack.parameter("Env", Parameter::string().default("dev"));
    let m = stack.mapping(
        "Sizes",
        Mapping::new()
            .entry("prod", "Cpu", "1024")
            .entry("dev", "Cpu", "256")
            .entry("dev", "Mem", "512"),
    );
    let c = stack.condition("IsProd", fns::equals::<String>(env.to_ref(), "prod"));
    let mut prev = None;
    for i in (0..60).rev() {
        let h = stack.add_raw(
            &format!("Res{i}"),
            RawResource::new(
                "AWS::SSM::Parameter",
                json!({"Value": fns::find_in_map::<String>(&m, env.to_ref(), "Cpu"),
                       "Type": "String", "Zz": i, "Aa": [i, "x"]}),
            ),
        );
        if let Some(p) = &prev {
            stack.options(&h).depends_on(p);
        }
        if i % 3 == 0 {
            stack.options(&h).condition(&c);
        }
        prev = Some(h);
    }
    stack.output::<String>("Z", fns::sub("${AWS::StackName}"));
    stack.output::<String>("A", fns::if_::<String>(&c, "a", "b"));
    stack
}

#[test]
fn synthesis_is_deterministic() {
    let (a, b) = (synth(&big_stack()), synth(&big_stack()));
    assert_eq!(a.to_json(), b.to_json());
    assert_eq!(a.to_yaml(), b.to_yaml());
    // the same stack synthesized twice, too
    let s = big_stack();
    assert_eq!(synth(&s).to_json(), synth(&s).to_json());
    assert_eq!(synth(&s).to_yaml(), synth(&s).to_yaml());
    assert_eq!(synth(&s).render(Format::Yaml), a.to_yaml());
}

#[test]
fn resources_and_keys_keep_the_order_they_were_added_in() {
    let t = synth(&big_stack());
    let ids: Vec<&String> = t.resources().unwrap().keys().collect();
    let expected: Vec<String> = (0..60).rev().map(|i| format!("Res{i}")).collect();
    assert_eq!(
        ids,
        expected.iter().collect::<Vec<_>>(),
        "not sorted, not hashed"
    );
    let meta: Vec<&String> = t.body()["Metadata"].as_object().unwrap().keys().collect();
    assert_eq!(meta, ["Zeta", "Alpha"]);
    let zeta: Vec<&String> = t.body()["Metadata"]["Zeta"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(zeta, ["b", "a", "c"]);
    let outs: Vec<&String> = t.body()["Outputs"].as_object().unwrap().keys().collect();
    assert_eq!(outs, ["Z", "A"]);
    // and the YAML lists them in the same order
    let yaml = t.to_yaml();
    let pos = |needle: &str| {
        yaml.find(needle)
            .unwrap_or_else(|| panic!("{needle} in YAML"))
    };
    assert!(pos("\n  Res59:") < pos("\n  Res58:") && pos("\n  Res1:") < pos("\n  Res0:"));
}

#[test]
fn sections_are_in_canonical_order_whatever_order_they_were_filled_in() {
    let mut stack = Stack::new("Order");
    // fill in reverse order
    stack.output::<String>("O", "x");
    let r = stack.add_raw("R", wait_handle());
    let env = stack.parameter("Env", Parameter::string().default("a"));
    let c = stack.condition("C", fns::equals::<String>(env.to_ref(), "b"));
    stack.options(&r).condition(&c);
    let m = stack.mapping("M", Mapping::new().entry("a", "b", "c"));
    stack.output::<String>("P", fns::find_in_map_or::<String>(&m, "a", "b", "d"));
    stack.transform("AWS::Serverless-2016-10-31");
    stack.metadata("K", json!("v"));
    stack.description("D");
    let t = synth(&stack);
    let canonical = [
        "AWSTemplateFormatVersion",
        "Description",
        "Metadata",
        "Transform",
        "Parameters",
        "Mappings",
        "Conditions",
        "Resources",
        "Outputs",
    ];
    assert_eq!(top_keys(t.body()), canonical);
    assert_eq!(t.body()["AWSTemplateFormatVersion"], json!("2010-09-09"));
    let yaml = t.to_yaml();
    let yaml_keys: Vec<&str> = yaml
        .lines()
        .filter(|l| !l.starts_with([' ', '-']) && l.contains(':'))
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(yaml_keys, canonical, "{yaml}");

    // An empty stack still has Resources (required), and nothing else but the version.
    let t = synth(&Stack::new("Empty"));
    assert_eq!(
        top_keys(t.body()),
        ["AWSTemplateFormatVersion", "Resources"]
    );
    assert_eq!(
        t.to_json(),
        "{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Resources\": {}\n}\n"
    );
}

// ---------------------------------------------------------------------------------------
// Logical ID diagnostics

#[test]
fn every_logical_id_problem_is_reported_at_once() {
    let mut stack = Stack::new("Ids");
    stack.add_raw("Good", wait_handle());
    stack.add_raw("bad-id", wait_handle());
    stack.add_raw(&"A".repeat(256), wait_handle());
    stack.add_raw(&"B".repeat(255), wait_handle()); // the longest valid ID
    stack.add_raw("", wait_handle());
    stack.add_raw("Ünïcode", wait_handle());
    stack.add_raw("Dup", wait_handle());
    stack.add_raw("Dup", wait_handle());
    stack.parameter("Shared", Parameter::string());
    stack.add_raw("Shared", wait_handle()); // resource after a parameter of that name
    stack.add_raw("Shared2", wait_handle());
    stack.parameter("Shared2", Parameter::string()); // parameter after a resource
    stack.parameter("my param", Parameter::string());
    stack.output::<String>("Bad_Out", "x");
    stack.output::<String>("Out", "x");
    stack.output::<String>("Out", "y");
    let env = stack.parameter("Env", Parameter::string());
    // Condition names may use any characters (CloudFormation and cfn-lint accept `A&B`),
    // but not none, nor more than 255.
    stack.condition("Is.Prod&Ok", fns::equals::<String>(env.to_ref(), "x"));
    stack.condition("", fns::equals::<String>(env.to_ref(), "x"));
    stack.condition("C", fns::equals::<String>(env.to_ref(), "x"));
    stack.condition("C", fns::equals::<String>(env.to_ref(), "y"));
    stack.mapping("Bad Map", Mapping::new().entry("a", "b", "c"));
    stack.mapping("M", Mapping::new().entry("a", "b", "c"));
    stack.mapping("M", Mapping::new().entry("a", "b", "c"));

    let diags = synth_err(&stack);
    let mut got: Vec<(String, String)> = diags
        .iter()
        .map(|d| {
            (
                d.rule.to_owned(),
                d.logical_id
                    .clone()
                    .expect("every diagnostic names its logical ID"),
            )
        })
        .collect();
    got.sort();
    let mut expected: Vec<(String, String)> = [
        ("FF1001", "bad-id".to_owned()),
        ("FF1001", "A".repeat(256)),
        ("FF1001", String::new()),
        ("FF1001", "Ünïcode".to_owned()),
        ("FF1002", "Dup".to_owned()),
        ("FF1002", "Shared".to_owned()),
        ("FF1002", "Shared2".to_owned()),
        ("FF1001", "my param".to_owned()),
        ("FF1001", "Bad_Out".to_owned()),
        ("FF1002", "Out".to_owned()),
        ("FF1001", String::new()),
        ("FF1002", "C".to_owned()),
        ("FF1001", "Bad Map".to_owned()),
        ("FF1002", "M".to_owned()),
    ]
    .into_iter()
    .map(|(r, id)| (r.to_owned(), id))
    .collect();
    expected.sort();
    assert_eq!(got, expected, "{diags:#?}");
    for d in &diags {
        assert_eq!(d.severity, Severity::Error);
        assert_eq!(d.source, "Ids", "the diagnostic names the stack");
        let id = d.logical_id.as_deref().unwrap();
        assert!(
            d.message.contains(&format!("`{id}`")),
            "the message names the ID: {d}"
        );
        assert!(d.hint.is_some(), "a hint says what would be right: {d}");
    }
    // The error's text lists every problem.
    let text = stack.to_template().unwrap_err().to_string();
    assert!(
        text.contains("14 errors found; nothing was written"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------
// Cross-stack diagnostics

#[test]
fn handles_from_another_stack_are_reported_with_stack_and_path() {
    let mut a = Stack::new("Network");
    let vpc = a.add_raw("Vpc", RawResource::new("AWS::EC2::VPC", json!({})));
    let p = a.parameter("Cidr", Parameter::string());
    let c = a.condition("IsProd", fns::equals::<String>(p.to_ref(), "prod"));
    let m = a.mapping("Map", Mapping::new().entry("a", "b", "c"));
    synth(&a);

    let mut b = Stack::new("App");
    let own = b.add_raw("Own", wait_handle());
    b.output::<String>("VpcRef", vpc.to_ref());
    b.output::<String>("VpcAtt", vpc.get_att("CidrBlock"));
    b.output::<String>("Param", p.to_ref());
    b.output::<String>("Mapped", fns::find_in_map(&m, "a", "b"));
    b.output::<String>("Iffy", fns::if_::<String>(&c, "a", "b"));
    b.output::<String>("Exported", "x").export(vpc.to_ref());
    b.condition("Nested", fns::not(fns::condition(&c)));
    b.options(&own).depends_on(&vpc).condition(&c);
    b.options(&vpc).retain(); // FF1004: options of a handle of another stack

    let diags = synth_err(&b);
    let mut got = brief(&diags);
    got.sort();
    let s = |x: &str| x.to_owned();
    let mut expected = vec![
        (s("FF1003"), Some(s("VpcRef")), s("VpcRef.Value")),
        (s("FF1003"), Some(s("VpcAtt")), s("VpcAtt.Value")),
        (s("FF1003"), Some(s("Param")), s("Param.Value")),
        (s("FF1003"), Some(s("Mapped")), s("Mapped.Value")),
        (s("FF1003"), Some(s("Iffy")), s("Iffy.Value")),
        (s("FF1003"), Some(s("Exported")), s("Exported.Export.Name")),
        (s("FF1003"), Some(s("Nested")), s("Nested")),
        (s("FF1003"), Some(s("Own")), s("Own.DependsOn")),
        (s("FF1003"), Some(s("Own")), s("Own.Condition")),
        (s("FF1004"), Some(s("Vpc")), s("Vpc")),
    ];
    expected.sort();
    assert_eq!(
        got, expected,
        "(rule, logical ID, path) of every diagnostic"
    );
    for d in &diags {
        assert_eq!(d.source, "App", "names the stack being synthesized: {d}");
        assert_eq!(d.severity, Severity::Error);
    }
    let foreign = diags.iter().find(|d| d.rule == "FF1004").unwrap();
    assert!(
        foreign.message.contains("`Vpc`") && foreign.message.contains("`App`"),
        "{foreign}"
    );
    for (id, what) in [
        ("Vpc", "resource"),
        ("Cidr", "parameter"),
        ("IsProd", "condition"),
        ("Map", "mapping"),
    ] {
        assert!(
            diags
                .iter()
                .any(|d| d.rule == "FF1003" && d.message.contains(&format!("{what} `{id}`"))),
            "a FF1003 message names the {what} `{id}`: {diags:#?}"
        );
    }
}

/// An output's `Condition` naming a condition of another stack: the path points at the
/// output's `Condition` key, as it does for a resource's (`Own.Condition` above).
#[test]
fn foreign_condition_on_an_output_is_reported_at_its_condition_key() {
    let mut a = Stack::new("Network");
    let p = a.parameter("Env", Parameter::string());
    let c = a.condition("IsProd", fns::equals::<String>(p.to_ref(), "prod"));
    let mut b = Stack::new("App");
    b.output::<String>("Guarded", "x").condition(&c);
    let diags = synth_err(&b);
    assert_eq!(
        brief(&diags),
        [(
            "FF1003".to_owned(),
            Some("Guarded".to_owned()),
            "Guarded.Condition".to_owned()
        )],
        "{diags:#?}"
    );
}

/// The `Value` docs: "references made this way [inside `serde_json::json!` documents] are
/// checked when the stack is synthesized". A `Ref` to a resource of another stack inside a
/// raw resource's properties must therefore be reported, not written.
#[test]
fn references_inside_json_documents_are_checked_too() {
    let mut a = Stack::new("Storage");
    let bucket = a.add_raw("Bucket", RawResource::new("AWS::S3::Bucket", json!({})));
    let mut b = Stack::new("Consumer");
    b.add_raw(
        "Policy",
        RawResource::new(
            "AWS::S3::BucketPolicy",
            json!({
                "Bucket": bucket.to_ref(),
                "PolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": "*",
                    "Action": "s3:GetObject", "Resource": bucket.get_att::<String>("Arn")}]}
            }),
        ),
    );
    let diags = match b.to_template() {
        Ok(t) => panic!(
            "a Ref to `Bucket` of stack Storage was written into stack Consumer unchecked:\n{}",
            t.to_json()
        ),
        Err(e) => e.diagnostics,
    };
    assert!(
        diags
            .iter()
            .any(|d| (d.rule == "FF1003" || d.rule == "FF1005")
                && d.logical_id.as_deref() == Some("Policy")
                && d.message.contains("Bucket")),
        "{diags:#?}"
    );
}

// ---------------------------------------------------------------------------------------
// Parameters

#[test]
fn parameters_of_every_kind() {
    let mut stack = Stack::new("Params");
    let s: Param<String> = stack.parameter(
        "Name",
        Parameter::string()
            .description("A name")
            .default("web")
            .allowed_values(["web", "api"])
            .allowed_pattern("^[a-z]+$")
            .constraint_description("lower-case letters")
            .min_length(1)
            .max_length(32),
    );
    let n: Param<f64> = stack.parameter(
        "Ratio",
        Parameter::number()
            .default(0.5)
            .min_value(0.0)
            .max_value(1.5),
    );
    let i: Param<i64> = stack.parameter(
        "Count",
        Parameter::integer()
            .default("3")
            .allowed_values([1, 3, 5])
            .min_value(1.0)
            .max_value(10.0),
    );
    let secret = stack.parameter("Secret", Parameter::string().no_echo());
    let cdl = stack.parameter("Names", Parameter::comma_delimited_list().default("a,b"));
    stack.parameter("Ports", Parameter::number_list().default("80,443"));
    stack.parameter("VpcId", Parameter::aws("AWS::EC2::VPC::Id"));
    stack.parameter("Subnets", Parameter::aws_list("AWS::EC2::Subnet::Id"));
    stack.parameter(
        "Ami",
        Parameter::ssm_value("AWS::EC2::Image::Id")
            .default("/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"),
    );
    stack.parameter("Plain", Parameter::ssm_value("String"));
    stack.parameter("SsmList", Parameter::ssm_value_list("String"));
    stack.parameter("SsmCdl", Parameter::ssm_value_list("CommaDelimitedList"));
    stack.parameter(
        "SsmSubnets",
        Parameter::ssm_value_list("AWS::EC2::Subnet::Id"),
    );
    stack.parameter("SsmName", Parameter::aws("AWS::SSM::Parameter::Name"));
    stack.output::<String>("S", s.to_ref());
    stack.output::<f64>("N", n.to_ref());
    stack.output::<i64>("I", i.to_ref());
    stack.output::<String>("X", secret.to_ref());
    stack.output::<String>("L", fns::join(",", cdl.to_ref()));

    let body = synth(&stack).body().clone();
    assert_eq!(
        body["Parameters"],
        json!({
            "Name": {"Type": "String", "Description": "A name", "Default": "web",
                     "AllowedValues": ["web", "api"], "AllowedPattern": "^[a-z]+$",
                     "ConstraintDescription": "lower-case letters",
                     "MinLength": 1, "MaxLength": 32},
            "Ratio": {"Type": "Number", "Default": 0.5, "MinValue": 0, "MaxValue": 1.5},
            "Count": {"Type": "Number", "Default": "3", "AllowedValues": [1, 3, 5],
                      "MinValue": 1, "MaxValue": 10},
            "Secret": {"Type": "String", "NoEcho": true},
            "Names": {"Type": "CommaDelimitedList", "Default": "a,b"},
            "Ports": {"Type": "List<Number>", "Default": "80,443"},
            "VpcId": {"Type": "AWS::EC2::VPC::Id"},
            "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"},
            "Ami": {"Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
                    "Default": "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"},
            "Plain": {"Type": "AWS::SSM::Parameter::Value<String>"},
            "SsmList": {"Type": "AWS::SSM::Parameter::Value<List<String>>"},
            "SsmCdl": {"Type": "AWS::SSM::Parameter::Value<CommaDelimitedList>"},
            "SsmSubnets": {"Type": "AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>"},
            "SsmName": {"Type": "AWS::SSM::Parameter::Name"}
        })
    );
    // `Type` comes first in every parameter
    for (id, p) in body["Parameters"].as_object().unwrap() {
        assert_eq!(
            p.as_object().unwrap().keys().next().map(String::as_str),
            Some("Type"),
            "{id}"
        );
    }
    assert_eq!(body["Outputs"]["N"]["Value"], json!({"Ref": "Ratio"}));
    assert_eq!(body["Outputs"]["I"]["Value"], json!({"Ref": "Count"}));
}

// ---------------------------------------------------------------------------------------
// Outputs

#[test]
fn outputs_with_description_export_and_condition() {
    let mut stack = Stack::new("Outs");
    let env = stack.parameter("Env", Parameter::string());
    let is_prod = stack.condition("IsProd", fns::equals::<String>(env.to_ref(), "prod"));
    let repo = stack.add_raw("Repo", RawResource::new("AWS::ECR::Repository", json!({})));
    stack
        .output::<String>("RepoArn", repo.get_att("Arn"))
        .description("The repository ARN")
        .export(fns::sub("${AWS::StackName}-RepoArn"))
        .condition(&is_prod);
    stack
        .output::<String>("Plain", "literal")
        .export("Fixed-Name");
    stack.output::<List<String>>("Azs", fns::get_azs(""));
    let body = synth(&stack).body().clone();
    // "Outputs" : { "Logical ID" : { "Description" : ..., "Value" : ...,
    //                                "Export" : { "Name" : ... } } } plus "Condition"
    assert_eq!(
        body["Outputs"],
        json!({
            "RepoArn": {
                "Description": "The repository ARN",
                "Condition": "IsProd",
                "Value": {"Fn::GetAtt": ["Repo", "Arn"]},
                "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-RepoArn"}}
            },
            "Plain": {"Value": "literal", "Export": {"Name": "Fixed-Name"}},
            "Azs": {"Value": {"Fn::GetAZs": ""}}
        })
    );
}

// ---------------------------------------------------------------------------------------
// Resource attributes

#[test]
fn resource_options() {
    let mut stack = Stack::new("Options");
    let env = stack.parameter("Env", Parameter::string());
    let is_prod = stack.condition("IsProd", fns::equals::<String>(env.to_ref(), "prod"));
    let a = stack.add_raw("A", wait_handle());
    let b = stack.add_raw("B", wait_handle());
    let one = stack.add_raw("One", wait_handle());
    let two = stack.add_raw("Two", wait_handle());
    let kept = stack.add_raw("Kept", RawResource::new("AWS::S3::Bucket", json!({})));
    let db = stack.add_raw("Db", RawResource::new("AWS::RDS::DBInstance", json!({})));
    let asg = stack.add_raw(
        "Asg",
        RawResource::new(
            "AWS::AutoScaling::AutoScalingGroup",
            json!({"MinSize": "1"}),
        ),
    );
    let once = stack.add_raw("Once", wait_handle());

    stack.options(&one).depends_on(&a);
    stack
        .options(&two)
        .depends_on(&a)
        .depends_on(&b)
        .depends_on(&a) // duplicates are dropped
        .condition(&is_prod);
    stack.options(&kept).retain();
    stack
        .options(&db)
        .deletion_policy(DeletionPolicy::Snapshot)
        .update_replace_policy(UpdateReplacePolicy::Snapshot)
        .metadata(json!({"Owner": "team"}));
    stack
        .options(&asg)
        .creation_policy(json!({"ResourceSignal": {"Count": 1, "Timeout": "PT15M"}}))
        .update_policy(json!({"AutoScalingRollingUpdate": {"MinInstancesInService": 1}}))
        .deletion_policy(DeletionPolicy::RetainExceptOnCreate)
        .update_replace_policy(UpdateReplacePolicy::Delete);
    stack
        .options(&once)
        .depends_on(&a)
        .depends_on(&a)
        .deletion_policy(DeletionPolicy::Delete)
        .update_replace_policy(UpdateReplacePolicy::Retain);

    let r = synth(&stack).body()["Resources"].clone();
    let wait = "AWS::CloudFormation::WaitConditionHandle";
    // "DependsOn" : "A" (one) or [ "A", "B" ] (several)
    assert_eq!(r["One"], json!({"Type": wait, "DependsOn": "A"}));
    assert_eq!(
        r["Two"],
        json!({"Type": wait, "Condition": "IsProd", "DependsOn": ["A", "B"]})
    );
    assert_eq!(
        r["Kept"],
        json!({"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"})
    );
    assert_eq!(
        r["Db"],
        json!({"Type": "AWS::RDS::DBInstance", "Metadata": {"Owner": "team"},
               "DeletionPolicy": "Snapshot", "UpdateReplacePolicy": "Snapshot"})
    );
    assert_eq!(
        r["Asg"],
        json!({"Type": "AWS::AutoScaling::AutoScalingGroup",
               "Properties": {"MinSize": "1"},
               "CreationPolicy": {"ResourceSignal": {"Count": 1, "Timeout": "PT15M"}},
               "UpdatePolicy": {"AutoScalingRollingUpdate": {"MinInstancesInService": 1}},
               "DeletionPolicy": "RetainExceptOnCreate",
               "UpdateReplacePolicy": "Delete"})
    );
    assert_eq!(
        r["Once"],
        json!({"Type": wait, "DependsOn": "A", "DeletionPolicy": "Delete",
               "UpdateReplacePolicy": "Retain"})
    );
    // resources without options or properties are just their type
    assert_eq!(r["A"], json!({"Type": wait}));
    // `Type` first
    for (id, res) in r.as_object().unwrap() {
        assert_eq!(
            res.as_object().unwrap().keys().next().map(String::as_str),
            Some("Type"),
            "{id}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// An independent check of the shapes: the pinned cfn-lint

fn every_function_stack() -> Stack {
    let mut stack = Stack::new("EveryFunction");
    stack.description("Every intrinsic function and pseudo parameter");
    let env = stack.parameter(
        "Env",
        Parameter::string()
            .allowed_values(["dev", "prod"])
            .default("dev"),
    );
    let names = stack.parameter("Names", Parameter::comma_delimited_list().default("a,b,c"));
    let map = stack.mapping(
        "RegionMap",
        Mapping::new()
            .entry("us-east-1", "Name", "east")
            .entry("us-west-2", "Name", "west"),
    );
    let is_prod = stack.condition("IsProd", fns::equals::<String>(env.to_ref(), "prod"));
    let is_dev = stack.condition("IsDev", fns::not(fns::condition(&is_prod)));
    let east = stack.condition(
        "IsEastProd",
        fns::and([
            fns::condition(&is_prod),
            fns::equals::<String>(pseudo::region(), "us-east-1"),
        ]),
    );
    stack.condition(
        "Anything",
        fns::or([fns::condition(&is_dev), fns::condition(&east)]),
    );

    let vpc = stack.add_raw(
        "Vpc",
        RawResource::new("AWS::EC2::VPC", json!({"CidrBlock": "10.0.0.0/16"})),
    );
    stack.add_raw(
        "Subnet",
        RawResource::new(
            "AWS::EC2::Subnet",
            json!({
                "VpcId": vpc.to_ref(),
                "CidrBlock": fns::select(0, fns::cidr(vpc.get_att("CidrBlock"), 4, 8)),
                "AvailabilityZone": fns::select(0, fns::get_azs(pseudo::region())),
            }),
        ),
    );
    let topic = stack.add_raw(
        "Topic",
        RawResource::new(
            "AWS::SNS::Topic",
            json!({
                "DisplayName": fns::join("-", vec![pseudo::stack_name(), fns::select(1, fns::split(",", "x,y"))]),
                "TopicName": fns::if_::<String>(&is_prod, fns::sub("${AWS::StackName}-prod"), pseudo::no_value()),
            }),
        ),
    );
    stack.options(&topic).condition(&is_dev);
    stack.add_raw(
        "Param",
        RawResource::new(
            "AWS::SSM::Parameter",
            json!({
                "Type": "String",
                "Value": fns::sub_with("${Name}-${Imported}-${AWS::AccountId}", [
                    ("Name", fns::find_in_map::<String>(&map, pseudo::region(), "Name")),
                    ("Imported", fns::import_value::<String>("Shared-Value")),
                ]),
                "Description": fns::base64("hello"),
            }),
        ),
    );
    stack
        .output::<String>(
            "Arn",
            fns::sub("arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:x"),
        )
        .export(fns::sub("${AWS::StackName}-Arn"))
        .condition(&is_prod);
    stack.output::<String>("Id", pseudo::stack_id());
    stack.output::<String>("Suffix", pseudo::url_suffix());
    stack.output::<String>("Notify", fns::join(",", pseudo::notification_arns()));
    stack.output::<String>("First", fns::select(0, names.to_ref()));
    stack.output::<String>(
        "WithDefault",
        fns::find_in_map_or::<String>(&map, pseudo::region(), "Name", "elsewhere"),
    );
    stack.output::<String>(
        "Count",
        fns::to_json_string::<Json>(Value::lit(json!({"n": 1}))),
    );
    stack
}

#[test]
fn cfn_lint_accepts_a_template_that_uses_every_function() {
    let t = synth(&every_function_stack());
    let Some(lint) = support::require_tool("cfn-lint") else {
        return;
    };
    let dir = support::temp_dir("every-function");
    let json_file = dir.write("EveryFunction.template.json", t.to_json());
    let yaml_file = dir.write("EveryFunction.template.yaml", t.to_yaml());
    let (code, out) = support::run_cfn_lint(&lint, &[&json_file, &yaml_file]);
    assert!(
        !support::lint_errors(code),
        "cfn-lint found errors (exit {code}):\n{out}\n{}",
        t.to_json()
    );

    // The check can fail: break one shape (Fn::Select with the index after the list) and
    // cfn-lint reports an error.
    let mut broken = t.body().clone();
    let select = broken["Resources"]["Subnet"]["Properties"]["CidrBlock"]["Fn::Select"]
        .as_array_mut()
        .expect("CidrBlock is a Fn::Select");
    select.remove(0); // drop the index: [ {"Fn::Cidr": ...} ]
    let broken = serde_json::to_string_pretty(&broken).unwrap();
    let bad = dir.write("Broken.template.json", broken);
    let (code, out) = support::run_cfn_lint(&lint, &[&bad]);
    assert!(
        support::lint_errors(code),
        "cfn-lint must reject a broken Fn::Select (exit {code}):\n{out}"
    );
}

/// The pseudo-parameter functions and `pseudo::ALL` (the list the validator reads `Ref`s
/// against) name the same parameters: one list, no function outside it, no entry without one.
#[test]
fn every_pseudo_parameter_has_its_function_and_the_list_is_complete() {
    use ferroform::pseudo;
    let names: Vec<String> = [
        format!("{:?}", pseudo::account_id()),
        format!("{:?}", pseudo::notification_arns()),
        format!("{:?}", pseudo::no_value::<String>()),
        format!("{:?}", pseudo::partition()),
        format!("{:?}", pseudo::region()),
        format!("{:?}", pseudo::stack_id()),
        format!("{:?}", pseudo::stack_name()),
        format!("{:?}", pseudo::url_suffix()),
    ]
    .iter()
    .map(|debug| {
        pseudo::ALL
            .iter()
            .find(|n| debug.contains(&format!("\"{n}\"")))
            .unwrap_or_else(|| panic!("{debug} names no entry of pseudo::ALL"))
            .to_string()
    })
    .collect();
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        sorted.len(),
        pseudo::ALL.len(),
        "{names:?} vs {:?}",
        pseudo::ALL
    );
}
