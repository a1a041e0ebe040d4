use crate::model::template::Template;

/// (rule, path) of the schema and reference diagnostics (`FF200x`, `FF300x`) of `yaml`.
fn schema_diags(yaml: &str) -> Vec<(String, String)> {
    full_diags(yaml)
        .into_iter()
        .filter(|d| d.0.starts_with("FF200") || d.0.starts_with("FF300"))
        .map(|d| (d.0, d.1))
        .collect()
}

/// (rule, path) of every diagnostic of `yaml`.
fn rule_paths(yaml: &str) -> Vec<(String, String)> {
    full_diags(yaml).into_iter().map(|d| (d.0, d.1)).collect()
}

/// A (rule, path) pair.
fn s(rule: &str, path: &str) -> (String, String) {
    (rule.to_owned(), path.to_owned())
}

/// (rule, path, message, hint) of every diagnostic of `yaml`.
fn full_diags(yaml: &str) -> Vec<(String, String, String, String)> {
    let t = Template::parse("t.yaml", yaml).unwrap();
    super::super::validate(&t)
        .diagnostics
        .into_iter()
        .map(|x| {
            (
                x.rule.to_owned(),
                x.path,
                x.message,
                x.hint.unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn a_required_property_an_if_removes_is_a_warning_unless_it_cannot_happen() {
    let t = |role: &str, attrs: &str| {
        format!(
            "Parameters:\n  Env: {{Type: String, AllowedValues: [dev, prod]}}\n  Only: {{Type: String, AllowedValues: [prod]}}\nConditions:\n  Prod: !Equals [!Ref Env, prod]\n  Always: !Equals [!Ref Only, prod]\nResources:\n  F:\n    Type: AWS::Lambda::Function\n{attrs}    Properties:\n      Handler: a.h\n      Runtime: python3.13\n      Code: {{S3Bucket: b, S3Key: k}}\n      Role: {role}\n"
        )
    };
    let found = super::super::found(
        &t("!If [Prod, arn:aws:iam::1:role/r, !Ref AWS::NoValue]", ""),
        "FF2032",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].0, found[0].1.as_str()),
        ("warning", "F.Properties.Role")
    );
    assert!(
        found[0]
            .2
            .ends_with("when condition `Prod` is false: the resource cannot be created then"),
        "{found:?}"
    );
    // The NoValue branch first: removed when the condition is true.
    let found = super::super::found(
        &t("!If [Prod, !Ref AWS::NoValue, arn:aws:iam::1:role/r]", ""),
        "FF2032",
    );
    assert!(found[0].2.contains("is true"), "{found:?}");
    for (role, attrs) in [
        // The resource exists only under a condition (which may be the property's).
        (
            "!If [Prod, arn:aws:iam::1:role/r, !Ref AWS::NoValue]",
            "    Condition: Prod\n",
        ),
        // The parameters allow only values that keep the property.
        ("!If [Always, arn:aws:iam::1:role/r, !Ref AWS::NoValue]", ""),
        // Inside another Fn::If, whose condition may decide this one.
        (
            "!If [Prod, !If [Prod, arn:aws:iam::1:role/r, !Ref AWS::NoValue], arn:aws:iam::1:role/s]",
            "",
        ),
    ] {
        assert!(
            super::super::found(&t(role, attrs), "FF2032").is_empty(),
            "{role} {attrs}"
        );
    }
}

#[test]
fn ignore_globals_names_what_globals_sets() {
    let t = |ignore: &str, globals: &str| {
        format!(
            "Transform: AWS::Serverless-2016-10-31\n{globals}Resources:\n  F:\n    Type: AWS::Serverless::Function\n    IgnoreGlobals: {ignore}\n    Properties: {{Handler: a.h, Runtime: python3.13, CodeUri: s3://b/k.zip}}\n"
        )
    };
    let globals = "Globals:\n  Function:\n    Timeout: 3\n    Tracing: Active\n";
    let found = super::super::found(&t("[Timeot, Tracing, 7]", globals), "FF2031");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "warning");
    assert_eq!(found[0].1, "F.IgnoreGlobals[0]");
    assert_eq!(found[0].3, "did you mean `Timeout`?");
    let found = super::super::found(&t("[Anything]", globals), "FF2031");
    assert_eq!(found[0].3, "Globals.Function sets Timeout, Tracing");
    let found = super::super::found(&t("[Timeout]", ""), "FF2031");
    assert_eq!(
        found[0].3,
        "the template has no Globals for Function: remove the name"
    );
    // '*' ignores everything; an included Globals section is not known offline.
    assert!(super::super::found(&t("'*'", globals), "FF2031").is_empty());
    let included =
        "Globals:\n  Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://b/g.yaml}}\n";
    assert!(super::super::found(&t("[Timeot]", included), "FF2031").is_empty());
}

#[test]
fn sam_globals_give_properties_the_kind_has() {
    let t = |globals: &str| {
        format!(
            "Transform: AWS::Serverless-2016-10-31\nGlobals:\n{globals}Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties: {{Handler: a.h, Runtime: python3.13, CodeUri: s3://b/k.zip}}\n"
        )
    };
    assert_eq!(
        schema_diags(&t("  Function:\n    Timeot: 3\n")),
        [("FF2002".into(), "Globals.Function.Timeot".into())]
    );
    assert!(schema_diags(&t("  Function:\n    Timeout: 3\n  Api:\n    Cors: '*'\n")).is_empty());
    // A kind the schema set does not know is not judged.
    assert!(schema_diags(&t("  Gadget:\n    Anything: 1\n")).is_empty());
}

#[test]
fn each_value_a_parameter_allows_is_checked_unless_a_condition_guards_it() {
    let t = |value: &str| {
        format!(
            "Parameters:\n  Days:\n    Type: Number\n    AllowedValues: [7, 15]\n    Default: 7\n  Free:\n    Type: Number\n    Default: 15\nConditions:\n  C: !Equals [!Ref Days, 7]\nResources:\n  L:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      RetentionInDays: {value}\n"
        )
    };
    let at = (
        "FF2005".to_owned(),
        "L.Properties.RetentionInDays".to_owned(),
    );
    assert_eq!(schema_diags(&t("!Ref Days")), [at]);
    // A Default only may be overridden; a Ref inside Fn::If may be excluded by it.
    assert!(schema_diags(&t("!Ref Free")).is_empty());
    assert!(schema_diags(&t("!If [C, !Ref Days, 30]")).is_empty());
    let text = super::super::validate(&Template::parse("t.yaml", &t("!Ref Days")).unwrap())
        .diagnostics[0]
        .message
        .clone();
    assert!(text.ends_with("(when Days = 15)"), "{text}");
}

#[test]
fn a_function_giving_text_where_a_mapping_belongs_is_a_type_error() {
    let t = |variables: &str| {
        format!(
            "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {{Version: '2012-10-17', Statement: [{{Effect: Allow, Principal: {{Service: lambda.amazonaws.com}}, Action: 'sts:AssumeRole'}}]}}\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.13\n      Handler: app.handler\n      Role: !GetAtt R.Arn\n      Code: {{S3Bucket: artifacts, S3Key: f.zip}}\n      Environment:\n        Variables: {variables}\n"
        )
    };
    let env = "F.Properties.Environment.Variables";
    for bad in [
        "!GetAtt R.Arn",
        "!Sub '${AWS::Region}'",
        "!Ref AWS::Region",
        "!Split [',', 'a,b']",
    ] {
        assert_eq!(
            schema_diags(&t(bad)),
            [("FF2004".into(), env.into())],
            "{bad}"
        );
    }
    // A macro may rewrite the value, with SAM or without.
    for transform in ["MyMacro", "[AWS::Serverless-2016-10-31, MyMacro]"] {
        let text = format!("Transform: {transform}\n{}", t("!GetAtt R.Arn"));
        assert!(
            schema_diags(&text).iter().all(|(_, p)| p != env),
            "{transform}"
        );
    }
    // What may give a mapping, or nothing, is not judged.
    for fine in [
        "{A: b}",
        "!Ref AWS::NoValue",
        "!GetAtt R.RoleId",
        "!FindInMap [M, a, b]",
        "!If [C, {A: b}, !Ref AWS::NoValue]",
    ] {
        let text = format!(
            "{}Conditions:\n  C: !Equals [a, a]\nMappings:\n  M: {{a: {{b: c}}}}\n",
            t(fine)
        );
        assert!(
            schema_diags(&text).iter().all(|(_, p)| p != env),
            "{fine}: {:?}",
            schema_diags(&text)
        );
    }
}

/// A SAM function's events are not judged against SAM's bundled schema (it lags the
/// transform: newer event sources and properties would be false alarms), whatever they hold;
/// a property that is an intrinsic or one of a few words (`Tracing`) takes only those words
/// as text.
#[test]
fn sam_events_are_left_to_the_transform_and_tracing_takes_its_words() {
    let yaml = "\
Transform: AWS::Serverless-2016-10-31
Parameters:
  Kind: {Type: String}
Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ./src
      Handler: app.handler
      Runtime: python3.14
      Tracing: ACTIVE
      Events:
        Get: {Type: Api, Properties: {Path: /, Methd: get}}
        Queue: {Type: SQS, Properties: {Queue: {'Fn::GetAtt': [Q, Arn]}, BatchSize: 10}}
        Topic: {Type: sns, Properties: {Topic: arn:aws:sns:us-east-1:123456789012:t}}
        NoType: {Properties: {Topic: arn:aws:sns:us-east-1:123456789012:t}}
        Dynamic: {Type: {Ref: Kind}, Properties: {Anything: 1}}
        Nightly: {Type: Schedule, Properties: {Schedule: rate(1 day), Enabled: maybe}}
        Listed: {Type: [SQS], Properties: {Queue: {'Fn::GetAtt': [Q, Arn]}}}
  Q: {Type: AWS::SQS::Queue}
";
    assert_eq!(
        full_diags(yaml),
        [(
            "FF2005".to_owned(),
            "F.Properties.Tracing".to_owned(),
            "\"ACTIVE\" is not an allowed value".to_owned(),
            "did you mean `Active`? allowed: Active, PassThrough, Disabled".to_owned()
        )]
    );
}

/// Alternatives told apart by one property's value (a decoder manifest's network
/// interfaces, by `Type`): a mapping is checked against the one its `Type` names, whole; a
/// `Type` that names none, is missing or is no string is reported once; an expression there
/// leaves the mapping to the plain mapping check.
#[test]
fn a_mapping_is_checked_against_the_alternative_its_tag_names() {
    let yaml = "\
Parameters:
  Kind: {Type: String}
Resources:
  M:
    Type: AWS::IoTFleetWise::DecoderManifest
    Properties:
      Name: m
      ModelManifestArn: arn:aws:iotfleetwise:us-east-1:123456789012:model-manifest/x
      NetworkInterfaces:
        - {InterfaceId: '1', Type: CAN_INTERFACE, ObdInterface: {Name: x, RequestMessageId: 1}}
        - {InterfaceId: '2', Type: CAN, CanInterface: {Name: x}}
        - {InterfaceId: '3', CanInterface: {Name: x}}
        - {InterfaceId: '4', Type: [CAN_INTERFACE], CanInterface: {Name: x}}
        - {InterfaceId: '5', Type: {Ref: Kind}, Anything: 1}
";
    let mut got = full_diags(yaml);
    got.sort();
    let e = |r: &str, p: &str, m: &str, h: &str| {
        (r.to_owned(), p.to_owned(), m.to_owned(), h.to_owned())
    };
    let all = "CAN_INTERFACE, OBD_INTERFACE, CUSTOM_DECODING_INTERFACE";
    let at = |i: usize, rest: &str| format!("M.Properties.NetworkInterfaces[{i}]{rest}");
    assert_eq!(
        got,
        vec![
            e(
                "FF2002",
                &at(0, ".ObdInterface"),
                "unknown property `ObdInterface`",
                "did you mean `CanInterface`?"
            ),
            e(
                "FF2003",
                &at(0, ""),
                "missing the required property `CanInterface`",
                ""
            ),
            e(
                "FF2003",
                &at(2, ""),
                "missing the required property `Type`",
                &format!("`Type` is one of: {all}")
            ),
            e(
                "FF2004",
                &at(3, ".Type"),
                "expected a string, found a list [\"CAN_INTERFACE\"]",
                &format!("`Type` is one of: {all}")
            ),
            e(
                "FF2005",
                &at(1, ".Type"),
                "\"CAN\" is not an allowed value",
                &format!("allowed: {all}")
            ),
        ],
    );
}

#[test]
fn sam_properties_are_checked_against_sam_schema_with_globals_giving_required_ones() {
    let yaml = "\
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    DeploymentPreference: {Type: AllAtOnce}
  LayerVersion:
    ContentUri: ./layer
Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ./src
      Handler: app.handler
      Runtime: python3.14
      MemorySizee: 128
      Timeout: lots
      MemorySize: {Ref: AWS::NoValue}
      DeploymentPreference: {Enabled: true}
      ProvisionedConcurrencyConfig: {}
  L: {Type: AWS::Serverless::LayerVersion}
  A: {Type: AWS::Serverless::Api}
  T: {Type: AWS::SQS::Queue, Properties: {QueueName: {'Fn::GetAtt': [F, Anything.Goes]}}}
";
    let s = |r: &str, p: &str| (r.to_owned(), p.to_owned());
    let mut got = schema_diags(yaml);
    got.sort();
    assert_eq!(
        got,
        vec![
            s("FF2002", "F.Properties.MemorySizee"),
            s("FF2003", "A.Properties"),
            s("FF2003", "F.Properties.ProvisionedConcurrencyConfig"),
            s("FF2004", "F.Properties.Timeout"),
        ],
    );
}

#[test]
fn properties_excluded_together_are_reported_once_per_pair_unless_they_may_be_absent() {
    let yaml = "\
Conditions:
  C: {'Fn::Equals': [a, b]}
Resources:
  S:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: vpc-1
      AvailabilityZone: us-east-1a
      AvailabilityZoneId: use1-az1
      CidrBlock: 10.0.0.0/24
      Ipv4IpamPoolId: {'Fn::If': [C, ipam-pool-1, {Ref: AWS::NoValue}]}
      Ipv6CidrBlock: {Ref: AWS::NoValue}
      Ipv6IpamPoolId: ipam-pool-2
  I:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
      NetworkInterfaces:
        - {DeviceIndex: '0', NetworkInterfaceId: eni-1, AssociatePublicIpAddress: true}
";
    let t = Template::parse("t.yaml", yaml).unwrap();
    let got: Vec<(String, String)> = super::super::validate(&t)
        .diagnostics
        .into_iter()
        .filter(|x| x.rule == "FF2022")
        .map(|x| (x.path, x.message))
        .collect();
    let s = |p: &str, m: &str| (p.to_owned(), m.to_owned());
    assert_eq!(
        got,
        vec![
            s(
                "S.Properties.AvailabilityZoneId",
                "`AvailabilityZone` and `AvailabilityZoneId` are both set, but AWS::EC2::Subnet takes only one of them"
            ),
            s(
                "I.Properties.NetworkInterfaces[0].AssociatePublicIpAddress",
                "`NetworkInterfaceId` and `AssociatePublicIpAddress` are both set, but AWS::EC2::Instance takes only one of them"
            ),
        ],
    );
}

#[test]
fn sam_resources_are_not_checked_under_a_macro_or_with_globals_unknown() {
    let props = "\
Resources:
  F: {Type: AWS::Serverless::Function, Properties: {Timeout: lots}}
  A: {Type: AWS::Serverless::Api}
";
    let macro_too = format!("Transform: [AWS::Serverless-2016-10-31, MyMacro]\n{props}");
    assert_eq!(schema_diags(&macro_too), vec![]);
    let included = format!(
        "Transform: AWS::Serverless-2016-10-31\nGlobals: {{'Fn::Transform': {{Name: AWS::Include, Parameters: {{Location: s3://b/g.yaml}}}}}}\n{props}"
    );
    assert_eq!(
        schema_diags(&included),
        vec![("FF2004".to_owned(), "F.Properties.Timeout".to_owned())]
    );
}

#[test]
fn a_service_shutting_down_is_a_warning_with_its_date_when_known() {
    // App Mesh: end of support 2026-09-30; AWS WAF Classic: no date in the data.
    // https://docs.aws.amazon.com/app-mesh/latest/userguide/what-is-app-mesh.html
    let diags = full_diags(
        "Resources:\n  Mesh: {Type: AWS::AppMesh::Mesh}\n  Set: {Type: AWS::WAF::IPSet, Properties: {Name: s}}\n",
    );
    let plan = "plan the move to the service AWS names as its replacement";
    assert_eq!(
        diags,
        [
            (
                "FF2014".to_owned(),
                "Mesh.Type".to_owned(),
                "AWS::AppMesh::Mesh is from a service AWS is shutting down on 2026-09-30"
                    .to_owned(),
                plan.to_owned()
            ),
            (
                "FF2014".to_owned(),
                "Set.Type".to_owned(),
                "AWS::WAF::IPSet is from a service AWS is shutting down".to_owned(),
                plan.to_owned()
            )
        ]
    );
}

#[test]
fn an_unknown_aws_type_is_not_reported_under_a_macro() {
    // A macro may turn any type into others; without one, the type is reported.
    let resources = "Resources:\n  X: {Type: AWS::Made::Up}\n";
    assert_eq!(
        schema_diags(&format!("Transform: MyMacro\n{resources}")),
        vec![]
    );
    assert_eq!(
        schema_diags(resources),
        vec![("FF2001".to_owned(), "X.Type".to_owned())]
    );
}

#[test]
fn a_type_no_registry_could_hold_is_reported() {
    let found = |ty: &str| {
        crate::validate::found(&format!("Resources:\n  X: {{Type: '{ty}'}}\n"), "FF2001")
            .into_iter()
            .map(|(_, path, message, hint)| (path, message, hint))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        found("AWS:IAM::Role"),
        [(
            "X.Type".to_owned(),
            "`AWS:IAM::Role` is not a resource type name".to_owned(),
            "did you mean `AWS::IAM::Role`?".to_owned()
        )]
    );
    for bad in [
        "MyCompany::MODULE",
        "Acme::Widget",
        "Acme::Widget::Gear::Tooth",
        "Acme::Wid-get::Gear",
        "A::Widget::Gear",
        "../modules/bucket.yaml",
    ] {
        assert_eq!(found(bad).len(), 1, "{bad}");
        assert!(
            found(bad)[0].1.ends_with("is not a resource type name"),
            "{bad}"
        );
    }
    // Third-party and private registry types and modules cannot be known offline; custom
    // resources have their own form.
    for good in [
        "Acme::Widget::Gear",
        "AWSSamples::EC2::ImportKeyPair",
        "My::Organization::Custom::MODULE",
    ] {
        assert_eq!(found(good), [], "{good}");
    }
    // One that is an AWS type but for a slip in its first part: a warning, as a type of that
    // name may be registered in the account.
    for (near, aws) in [
        ("AS::IAM::Role", "AWS::IAM::Role"),
        ("Aws::S3::Bucket", "AWS::S3::Bucket"),
        ("AWSS::SQS::Queue", "AWS::SQS::Queue"),
    ] {
        assert_eq!(
            crate::validate::found(&format!("Resources:\n  X: {{Type: '{near}'}}\n"), "FF2040")
                .into_iter()
                .map(|(_, path, _, hint)| (path, hint))
                .collect::<Vec<_>>(),
            [(
                "X.Type".to_owned(),
                format!(
                    "did you mean `{aws}`? (keep `{near}` only if a type of that name is registered in the account)"
                )
            )],
            "{near}"
        );
    }
    for far in [
        "ACME::IAM::Role",
        "AS::IAM::Rolee",
        "AWSSamples::EC2::ImportKeyPair",
    ] {
        assert_eq!(
            crate::validate::found(&format!("Resources:\n  X: {{Type: '{far}'}}\n"), "FF2040"),
            [],
            "{far}"
        );
    }
    assert_eq!(
        crate::validate::found(
            "Resources:\n  X: {Type: 'Custom::My-Thing_2', Properties: {ServiceToken: arn}}\n",
            "FF2001"
        ),
        []
    );
}

#[test]
fn a_custom_resource_is_checked_as_aws_cloudformation_customresource() {
    // Its reserved properties are that type's; any other property is the provider's.
    let yaml = "\
Resources:
  Lookup:
    Type: Custom::Lookup
    Properties: {ServiceToken: arn, ServiceTimeout: many, Anything: {x: [1]}}
  Bare:
    Type: Custom::Bare
";
    assert_eq!(
        full_diags(yaml)
            .into_iter()
            .map(|d| (d.0, d.1))
            .collect::<Vec<_>>(),
        [
            (
                "FF2004".to_owned(),
                "Lookup.Properties.ServiceTimeout".to_owned()
            ),
            ("FF2003".to_owned(), "Bare.Properties".to_owned()),
        ]
    );
}

#[test]
fn a_parameter_default_must_keep_the_parameters_constraints() {
    let found = |params: &str| {
        crate::validate::found(
            &format!("Parameters:\n{params}Resources:\n  Q: {{Type: AWS::SQS::Queue}}\n"),
            "FF2039",
        )
        .into_iter()
        .map(|(_, path, message, _)| (path, message))
        .collect::<Vec<_>>()
    };
    assert_eq!(
        found(
            "  Env: {Type: String, Default: test, AllowedValues: [dev, prod]}
  Name: {Type: String, Default: 'a b', AllowedPattern: '[a-z]+', MaxLength: 2}
  Size: {Type: Number, Default: 0, MinValue: 1, AllowedValues: [1, '2']}
  Key: {Type: String, NoEcho: true, Default: hunter2, AllowedValues: [other], MinLength: 8}
"
        ),
        [
            (
                "Env.Default".to_owned(),
                "the Default `test` of parameter `Env` is not one of its AllowedValues (`dev` or `prod`)".to_owned()
            ),
            (
                "Name.Default".to_owned(),
                "the Default `a b` of parameter `Name` does not match its AllowedPattern `[a-z]+`, and is longer than its MaxLength, 2".to_owned()
            ),
            (
                "Size.Default".to_owned(),
                "the Default `0` of parameter `Size` is not one of its AllowedValues (`1` or `2`), and is below its MinValue, 1".to_owned()
            ),
            (
                "Key.Default".to_owned(),
                "the Default (NoEcho, not shown) of parameter `Key` is not one of its AllowedValues, and is shorter than its MinLength, 8".to_owned()
            ),
        ]
    );
    // Within its constraints (numbers compared as numbers, the pattern over the whole
    // value), a list type's (each item is constrained) and no Default: nothing to say.
    assert_eq!(
        found(
            "  Env: {Type: String, Default: prod, AllowedValues: [dev, prod], AllowedPattern: '[a-z]+', MinLength: 3, MaxLength: 4}
  Size: {Type: Number, Default: '2.0', AllowedValues: [1, 2], MinValue: 1, MaxValue: 2}
  Zones: {Type: CommaDelimitedList, Default: 'a,b', AllowedValues: [a]}
  Free: {Type: String, AllowedValues: [x]}
"
        ),
        []
    );
}

#[test]
fn rules_have_assertions_and_their_conditions_take_documented_lists() {
    let yaml = "\
Parameters:
  Env: {Type: String}
  Subnets: {Type: 'List<AWS::EC2::Subnet::Id>'}
Rules:
  Fine:
    RuleCondition: !Equals [!Ref Env, prod]
    Assertions:
      - Assert: !Not [!Contains [[a, b], !Ref Env]]
        AssertDescription: not a or b
      - Assert: !EachMemberIn [!ValueOfAll ['AWS::EC2::Subnet::Id', VpcId], !RefAll 'AWS::EC2::VPC::Id']
  NoAssertions:
    RuleCondition: !Equals [!Ref Env, prod]
  Shapes:
    RuleCondition: !Equals [!Ref Env]
    Assertions:
      - Assert: !And [!Equals [!Ref Env, a]]
        AssertDescription: [not, text]
      - AssertDescription: nothing to assert
      - just text
  NotAMapping: 5
  ListNotGiven:
    Assertions: {Assert: !Equals [a, a]}
Resources:
  Q: {Type: AWS::SQS::Queue}
";
    assert_eq!(
        structure_of(yaml),
        pairs(&[
            ("NoAssertions", "rule `NoAssertions` has no Assertions"),
            (
                "Shapes.RuleCondition.Fn::Equals",
                "Fn::Equals takes a list of two items, not 1"
            ),
            (
                "Shapes.Assertions[0].Assert.Fn::And",
                "Fn::And takes a list of 2 to 10 conditions, not 1 of them"
            ),
            (
                "Shapes.Assertions[0].AssertDescription",
                "AssertDescription is not text"
            ),
            ("Shapes.Assertions[1]", "an assertion has no Assert"),
            ("Shapes.Assertions[2]", "an assertion is not a mapping"),
            ("NotAMapping", "rule `NotAMapping` is not a mapping"),
            ("ListNotGiven.Assertions", "Assertions is not a list"),
        ])
    );
    // A rule's Refs name parameters or pseudo parameters.
    let refs = "\
Parameters:
  Environment: {Type: String}
Rules:
  R:
    RuleCondition: !Equals [!Ref Enviroment, !Ref 'AWS::Region']
    Assertions:
      - Assert: !Not [!Equals [!Ref Q, '']]
Resources:
  Q: {Type: AWS::SQS::Queue}
";
    assert_eq!(
        crate::validate::found(refs, "FF3001")
            .into_iter()
            .map(|(_, path, message, hint)| (path, message, hint))
            .collect::<Vec<_>>(),
        [
            (
                "R.RuleCondition.Fn::Equals[0].Ref".to_owned(),
                "Ref to `Enviroment`, which is not a parameter of the template".to_owned(),
                "did you mean `Environment`?".to_owned()
            ),
            (
                "R.Assertions[0].Assert.Fn::Not[0].Fn::Equals[0].Ref".to_owned(),
                "Ref to `Q`, which is not a parameter of the template".to_owned(),
                "a rule refers to the template's parameters (and pseudo parameters) only"
                    .to_owned()
            ),
        ]
    );
    assert_eq!(
        structure_of("Rules: [a]\nResources:\n  Q: {Type: AWS::SQS::Queue}\n"),
        pairs(&[("Rules", "the Rules section is not a mapping")])
    );
}

#[test]
fn descriptions_export_names_and_mapping_values_have_their_shapes() {
    let yaml = "\
Description: {a: 1}
Mappings:
  Sizes:
    prod: {Cpu: 512, Zones: [a, b], Nested: {x: 1}}
    dev: [not, keys]
  Flat: text
  Fine:
    eu-west-1: {Ami: ami-1, Zones: [a]}
Resources:
  Q: {Type: AWS::SQS::Queue}
Outputs:
  Listed:
    Value: !Ref Q
    Export: {Name: [a]}
  Computed:
    Value: !Ref Q
    Export: {Name: !Sub '${AWS::StackName}-Q'}
";
    assert_eq!(
        structure_of(yaml),
        pairs(&[
            (
                "Description",
                "the template's Description is a mapping, not text"
            ),
            (
                "Listed.Export.Name",
                "the export's Name is a list, not text"
            ),
            (
                "Sizes.prod.Nested",
                "the value of `Sizes.prod.Nested` is a mapping: mapping values are text or lists"
            ),
            (
                "Sizes.dev",
                "top-level key `dev` of mapping `Sizes` is a list, not a mapping of second-level keys"
            ),
            ("Flat", "mapping `Flat` is a string, not a mapping of keys"),
        ])
    );
}

/// A key the SAM transform does not read beside a serverless resource's Properties is
/// dropped by it (a warning), not refused; beside another resource CloudFormation refuses it.
#[test]
fn a_serverless_resource_s_unknown_attribute_is_dropped_by_sam() {
    let yaml = "\
Transform: AWS::Serverless-2016-10-31
Resources:
  F:
    Type: AWS::Serverless::Function
    Description: invoked by a rule
    Properties: {CodeUri: s3://b/k.zip, Handler: app.handler, Runtime: python3.14}
  T:
    Type: AWS::SNS::Topic
    Description: alerts
";
    assert_eq!(
        rule_paths(yaml),
        [s("FF2000", "T.Description"), s("FF2043", "F.Description")]
    );
}

#[test]
fn resource_attributes_are_checked_by_kind_and_transform() {
    let topic = |attrs: &str| format!("Resources:\n  T: {{Type: AWS::SNS::Topic, {attrs}}}\n");
    // SAM's resource attributes are SAM's: CloudFormation refuses them.
    assert_eq!(
        structure_of(&topic("IgnoreGlobals: '*'")),
        [(
            "T.IgnoreGlobals".to_owned(),
            "unknown resource attribute `IgnoreGlobals`".to_owned()
        )]
    );
    assert_eq!(
        structure_of(&format!(
            "Transform: AWS::Serverless-2016-10-31\n{}",
            topic("IgnoreGlobals: '*'")
        )),
        []
    );
    // A Condition is a condition's name; AWS::LanguageExtensions resolves a function
    // there, never a list.
    let conditions = "Conditions:\n  C: !Equals [a, a]\n";
    let not_a_name = || {
        vec![(
            "T.Condition".to_owned(),
            "Condition is not a condition name".to_owned(),
        )]
    };
    let with_sub = topic("Condition: {'Fn::Sub': C}");
    assert_eq!(
        structure_of(&format!("{conditions}{with_sub}")),
        not_a_name()
    );
    assert_eq!(
        structure_of(&format!(
            "Transform: AWS::LanguageExtensions\n{conditions}{with_sub}"
        )),
        []
    );
    assert_eq!(
        structure_of(&format!(
            "Transform: AWS::LanguageExtensions\n{conditions}{}",
            topic("Condition: [C]")
        )),
        not_a_name()
    );
}

/// (path, message) of the FF2000 (structure) diagnostics of `yaml`.
fn structure_of(yaml: &str) -> Vec<(String, String)> {
    full_diags(yaml)
        .into_iter()
        .filter(|d| d.0 == "FF2000")
        .map(|d| (d.1, d.2))
        .collect()
}

/// Owned copies of expected `(a, b)` pairs, to compare with [`structure_of`]'s.
fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[test]
fn outputs_are_mappings_with_a_value_known_attributes_and_an_export_name() {
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/outputs-section-structure.html
    let yaml = "\
Resources:
  T: {Type: AWS::SNS::Topic}
Outputs:
  Good: {Value: !Ref T, Description: d, Export: {Name: n}, Condition: C}
  Text: just text
  NoValue: {Description: d}
  Extra: {Value: v, Exports: {Name: n}}
  Unnamed: {Value: v, Export: {Value: n}}
Conditions:
  C: !Equals [a, a]
";
    assert_eq!(
        structure_of(yaml),
        pairs(&[
            ("Text", "output `Text` is not a mapping"),
            ("NoValue", "output `NoValue` has no Value"),
            ("Extra.Exports", "unknown output attribute `Exports`"),
            ("Unnamed.Export", "Export has no Name"),
        ])
    );
}

#[test]
fn a_template_needs_a_resources_mapping_reported_once() {
    assert_eq!(
        structure_of("Outputs: {}\n"),
        pairs(&[("Resources", "the template has no Resources section")])
    );
    assert_eq!(
        structure_of("Resources: [a]\n"),
        pairs(&[("Resources", "the Resources section is not a mapping")])
    );
    assert_eq!(
        structure_of("Resources: {}\n"),
        pairs(&[("Resources", "the Resources section is empty")])
    );
}

#[test]
fn an_update_policy_is_a_mapping_or_nested_fn_ifs_of_mappings() {
    let policy = |v: &str| {
        format!(
            "Conditions:\n  C: !Equals [a, a]\nResources:\n  G:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties: {{MinSize: '1', MaxSize: '1', AvailabilityZones: [a]}}\n    UpdatePolicy: {v}\n"
        )
    };
    let at_policy = |v: &str| -> Vec<String> {
        structure_of(&policy(v))
            .into_iter()
            .filter(|d| d.0 == "G.UpdatePolicy")
            .map(|d| d.1)
            .collect()
    };
    let nested = |levels: usize, bottom: &str| {
        (0..levels).fold(bottom.to_owned(), |v, _| {
            format!("{{'Fn::If': [C, {v}, {{}}]}}")
        })
    };
    assert_eq!(
        at_policy("[a]"),
        ["UpdatePolicy is a list; CloudFormation takes a mapping"]
    );
    assert_eq!(
        at_policy("{'Fn::If': [C, {}, !Ref AWS::NoValue]}"),
        Vec::<String>::new()
    );
    assert_eq!(
        at_policy("{'Fn::If': [C, {}]}"),
        ["UpdatePolicy is `Fn::If`, which gives no mapping; CloudFormation takes a mapping"]
    );
    assert_eq!(
        at_policy("{'Fn::Sub': x}"),
        ["UpdatePolicy is `Fn::Sub`, which gives no mapping; CloudFormation takes a mapping"]
    );
    assert_eq!(
        at_policy(&nested(super::POLICY_IF_DEPTH, "{}")),
        Vec::<String>::new()
    );
    assert_eq!(
        at_policy(&nested(super::POLICY_IF_DEPTH, "[a]")),
        ["UpdatePolicy is `Fn::If`, which gives no mapping; CloudFormation takes a mapping"]
    );
    // Past the bound, no claim either way.
    assert_eq!(
        at_policy(&nested(super::POLICY_IF_DEPTH + 1, "[a]")),
        Vec::<String>::new()
    );
}

#[test]
fn parameters_are_mappings_with_a_valid_type_and_known_attributes() {
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html
    let yaml = "\
Parameters:
  Plain: {Type: String}
  Numbers: {Type: List<Number>}
  Names: {Type: CommaDelimitedList}
  Vpc: {Type: AWS::EC2::VPC::Id}
  Subnets: {Type: List<AWS::EC2::Subnet::Id>}
  Ssm: {Type: AWS::SSM::Parameter::Value<String>}
  Text: just text
  NoType: {Default: a}
  Misspelt: {Type: Strin}
  Extra: {Type: Number, Defualt: 1}
Resources:
  T: {Type: AWS::SNS::Topic}
";
    assert_eq!(
        structure_of(yaml),
        pairs(&[
            ("Text", "parameter `Text` is not a mapping"),
            ("NoType", "parameter `NoType` has no Type"),
            ("Misspelt.Type", "`Strin` is not a parameter type"),
            ("Extra.Defualt", "unknown parameter attribute `Defualt`"),
        ])
    );
}

#[test]
fn lengths_ranges_and_list_sizes_are_checked_at_their_bounds() {
    // SNS TopicName: at most 256 characters; SQS DelaySeconds: 0 to 900; Lambda
    // Architectures: one item.
    let yaml = |name: usize, delay: i32, archs: &str| {
        format!(
                "Resources:
  T: {{Type: AWS::SNS::Topic, Properties: {{TopicName: {}}}}}
  Q: {{Type: AWS::SQS::Queue, Properties: {{DelaySeconds: {delay}}}}}
  F:
    Type: AWS::Lambda::Function
    Properties: {{Role: 'arn:aws:iam::123456789012:role/r', Code: {{ZipFile: x}}, Runtime: python3.14, Handler: index.h, Architectures: {archs}}}
",
                "a".repeat(name)
            )
    };
    assert_eq!(schema_diags(&yaml(256, 0, "[x86_64]")), vec![]);
    let s = |r: &str, p: &str| (r.to_owned(), p.to_owned());
    assert_eq!(
        schema_diags(&yaml(257, -1, "[]")),
        vec![
            s("FF2007", "T.Properties.TopicName"),
            s("FF2008", "Q.Properties.DelaySeconds"),
            s("FF2009", "F.Properties.Architectures"),
        ]
    );
}

#[test]
fn sam_globals_given_by_a_function_may_give_anything() {
    // A Globals entry that is an expression is not known offline: the required
    // StageName of an Api may come from it.
    let yaml = |api: &str| {
        format!(
            "Transform: AWS::Serverless-2016-10-31\nConditions:\n  C: !Equals [a, a]\nGlobals:\n  Api: {api}\nResources:\n  A: {{Type: AWS::Serverless::Api}}\n"
        )
    };
    assert_eq!(
        schema_diags(&yaml("{'Fn::If': [C, {StageName: s}, {StageName: t}]}")),
        vec![]
    );
    assert_eq!(
        schema_diags(&yaml("{Cors: '*'}")),
        vec![("FF2003".to_owned(), "A.Properties".to_owned())]
    );
}

#[test]
fn a_condition_key_in_a_property_value_is_data() {
    // Not a function there: checked against the schema like any mapping.
    let yaml = "Conditions:\n  C: !Equals [a, b]\nResources:\n  Q: {Type: AWS::SQS::Queue, Properties: {QueueName: {Condition: C}}}\n";
    assert_eq!(
        crate::validate::found(yaml, "FF2004")
            .into_iter()
            .map(|(_, path, message, _)| (path, message))
            .collect::<Vec<_>>(),
        [(
            "Q.Properties.QueueName".to_owned(),
            "expected a string, found a mapping {\"Condition\":\"C\"}".to_owned()
        )]
    );
}

#[test]
fn values_conform_to_a_type_as_cloudformation_converts_them() {
    use super::conforms;
    use serde_json::json;
    let yes = [
        ("string", json!("a")),
        ("string", json!(1)),
        ("string", json!(true)),
        ("integer", json!(-5)),
        ("integer", json!(u64::MAX)),
        ("integer", json!(2.0)),
        ("integer", json!(" 7 ")),
        ("number", json!(2.5)),
        ("number", json!("2.5")),
        ("boolean", json!(false)),
        ("boolean", json!("TRUE")),
        ("object", json!({})),
        ("array", json!([])),
        ("null", json!(null)),
        // A dynamic reference gives text, converted like any other.
        ("string", json!("{{resolve:ssm:/p}}")),
        ("integer", json!("{{resolve:ssm:/p}}")),
    ];
    let no = [
        ("string", json!({})),
        ("string", json!([])),
        ("integer", json!(2.5)),
        ("integer", json!("2.5")),
        ("number", json!("two")),
        ("number", json!("inf")),
        ("number", json!(true)),
        ("boolean", json!("yes")),
        ("boolean", json!(1)),
        ("object", json!([])),
        ("array", json!({})),
        ("array", json!("{{resolve:ssm:/p}}")),
        ("object", json!("{{resolve:ssm:/p}}")),
        ("null", json!(1)),
    ];
    for (t, v) in yes {
        assert!(conforms(t, &v), "{t} {v}");
    }
    for (t, v) in no {
        assert!(!conforms(t, &v), "{t} {v}");
    }
}

#[test]
fn a_required_property_set_to_no_value_is_missing() {
    let found = full_diags(
        "Resources:\n  A:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n    \
             Properties:\n      SubnetId: !Ref AWS::NoValue\n      RouteTableId: rtb-1\n  \
             B:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n    \
             Properties:\n      SubnetId: subnet-1\n      RouteTableId: rtb-1\n",
    );
    let ff2003: Vec<_> = found.iter().filter(|d| d.0 == "FF2003").collect();
    assert_eq!(ff2003.len(), 1, "{found:?}");
    assert_eq!(ff2003[0].1, "A.Properties");
    assert_eq!(
        ff2003[0].2,
        "missing the required property `SubnetId`: its value, AWS::NoValue, removes it"
    );
}

#[test]
fn a_boolean_or_integer_where_a_string_is_taken_is_checked_as_its_text() {
    // IAM's Path takes a string matching `^(\u002F)|(\u002F[\u0021-\u007E]+\u002F)$`:
    // CloudFormation passes `true` as "true", which does not match.
    let found = schema_diags(
        "Resources:\n  A:\n    Type: AWS::IAM::Role\n    Properties:\n      \
             AssumeRolePolicyDocument: {}\n      Path: true\n  \
             B:\n    Type: AWS::IAM::Role\n    Properties:\n      \
             AssumeRolePolicyDocument: {}\n      Path: 5\n  \
             C:\n    Type: AWS::IAM::Role\n    Properties:\n      \
             AssumeRolePolicyDocument: {}\n      Path: 1.5\n  \
             D:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: 12345\n",
    );
    assert_eq!(
        found,
        [
            ("FF2006".to_owned(), "A.Properties.Path".to_owned()),
            ("FF2006".to_owned(), "B.Properties.Path".to_owned()),
        ],
        "a float has no single text form (C); 12345 is a valid log group name (D)"
    );

    use super::{Types, as_text};
    use serde_json::json;
    let types = |names: &[&'static str]| {
        let mut t = Types {
            names: [""; 8],
            len: names.len(),
        };
        t.names[..names.len()].copy_from_slice(names);
        t
    };
    let text = |t: &[&'static str], v: serde_json::Value| {
        as_text(&types(t), &v).map(std::borrow::Cow::into_owned)
    };
    assert_eq!(text(&["string"], json!("a")).as_deref(), Some("a"));
    assert_eq!(text(&["string"], json!(false)).as_deref(), Some("false"));
    assert_eq!(text(&["string"], json!(-7)).as_deref(), Some("-7"));
    assert_eq!(
        text(&["string"], json!(u64::MAX)).as_deref(),
        Some("18446744073709551615")
    );
    assert_eq!(text(&["string"], json!(2.5)), None);
    // The value's own type is taken: it stays what it is.
    assert_eq!(text(&["string", "boolean"], json!(true)), None);
    assert_eq!(text(&["string", "integer"], json!(3)), None);
    assert_eq!(text(&["number", "string"], json!(3)), None);
    // No string is taken: no text.
    assert_eq!(text(&["boolean"], json!(true)), None);
    assert_eq!(text(&[], json!(3)), None);
}

#[test]
fn values_are_compared_with_enums_as_text() {
    use super::canonical;
    use serde_json::json;
    assert_eq!(canonical(&json!("a")).as_deref(), Some("a"));
    assert_eq!(canonical(&json!(true)).as_deref(), Some("true"));
    assert_eq!(canonical(&json!(5)).as_deref(), Some("5"));
    // A whole float is written as the integer it is; one too large for that as
    // serde_json writes it (not a saturated integer).
    assert_eq!(canonical(&json!(5.0)).as_deref(), Some("5"));
    assert_eq!(canonical(&json!(2.5)).as_deref(), Some("2.5"));
    assert_eq!(canonical(&json!(1e20)).as_deref(), Some("1e+20"));
    assert_eq!(
        canonical(&json!(1e15)).as_deref(),
        Some("1000000000000000.0")
    );
    assert_eq!(
        canonical(&json!(1e15 - 1.0)).as_deref(),
        Some("999999999999999")
    );
    assert_eq!(canonical(&json!([1])), None);
}

#[test]
fn enum_members_match_as_cloudformation_compares_them() {
    use super::enum_eq;
    use crate::validate::data::Node;
    use serde_json::json;
    let (s, n, b) = (Node::Str, Node::Num, Node::Bool);
    let yes = [
        (json!("a"), s("a"), false),
        (json!("A"), s("a"), true),
        (json!(true), b(true), false),
        (json!("true"), b(true), false),
        (json!(true), s("TRUE"), true),
        (json!(false), s("false"), false),
        (json!(7), n(7.0), false),
        (json!("7"), n(7.0), false),
        (json!("7.0"), n(7.0), false),
        (json!(7), s("7"), false),
        // Two texts of the same number.
        (json!("7"), s("7.0"), false),
        (json!("-1"), s("-1.0"), false),
        (json!(".5"), s("0.5"), false),
    ];
    let no = [
        (json!("a"), s("b"), false),
        (json!("A"), s("a"), false),
        (json!("A"), s("b"), true),
        (json!(true), b(false), false),
        (json!(true), s("TRUE"), false),
        (json!(7), n(8.0), false),
        (json!("x7"), s("7"), false),
        (json!("7"), s("x"), false),
        // Only texts that look like numbers are compared as numbers.
        (json!("inf"), s("Infinity"), false),
        (json!(null), s("null"), false),
    ];
    for (v, e, ci) in &yes {
        assert!(enum_eq(v, e, *ci), "{v} {e:?} ci={ci}");
    }
    for (v, e, ci) in &no {
        assert!(!enum_eq(v, e, *ci), "{v} {e:?} ci={ci}");
    }
}

#[test]
fn case_insensitive_values_match_in_any_case_and_say_so_when_they_do_not() {
    // cfn-lint's schemas list the Classic Load Balancer's listener protocols, in lower
    // case, as matching in any case (`enumCaseInsensitive`); AWS documents them in upper
    // case: <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ec2-elb-listener.html>.
    let listener = |protocol: &str| {
        crate::validate::found(
                &format!("Resources:\n  L:\n    Type: AWS::ElasticLoadBalancing::LoadBalancer\n    Properties:\n      AvailabilityZones: [us-east-1a]\n      Listeners:\n        - {{InstancePort: '80', LoadBalancerPort: '80', Protocol: {protocol}}}\n"),
                "FF2005",
            )
            .into_iter()
            .map(|d| (d.1, d.3))
            .collect::<Vec<_>>()
    };
    for ok in ["TCP", "tcp", "Http", "HTTPS", "SSL"] {
        assert_eq!(listener(ok), [], "{ok}");
    }
    assert_eq!(
        listener("UDP"),
        [(
            "L.Properties.Listeners[0].Protocol".to_owned(),
            "allowed, in any case: http, https, tcp, ssl".to_owned()
        )]
    );
    assert_eq!(
        listener("HTTPX"),
        [(
            "L.Properties.Listeners[0].Protocol".to_owned(),
            "did you mean `http`? allowed, in any case: http, https, tcp, ssl".to_owned()
        )]
    );
    // A case-sensitive list still is: an ECS service's launch type in lower case is wrong.
    let service = full_diags(
        "Resources:\n  S: {Type: AWS::ECS::Service, Properties: {LaunchType: fargate}}\n",
    );
    assert!(
        service.iter().any(|d| d.0 == "FF2005"
            && d.1 == "S.Properties.LaunchType"
            && d.3.starts_with("did you mean `FARGATE`? allowed: ")),
        "{service:?}"
    );
}

#[test]
fn hints_name_the_bounds_the_allowed_values_and_the_known_properties() {
    let hints = |resources: &str| -> Vec<(String, String, String)> {
        full_diags(&format!("Resources:\n{resources}"))
            .into_iter()
            .map(|d| (d.0, d.1, d.3))
            .collect()
    };
    let h = |r: &str, p: &str, hint: &str| (r.to_owned(), p.to_owned(), hint.to_owned());
    assert_eq!(
        hints(&format!(
            "  T: {{Type: AWS::SNS::Topic, Properties: {{TopicName: {}}}}}\n",
            "a".repeat(257)
        )),
        [h(
            "FF2007",
            "T.Properties.TopicName",
            "allowed: at most 256 characters"
        )]
    );
    assert_eq!(
        hints("  Q: {Type: AWS::SQS::Queue, Properties: {DelaySeconds: 901}}\n"),
        [h(
            "FF2008",
            "Q.Properties.DelaySeconds",
            "allowed: 0 to 900"
        )]
    );
    // A minimum alone.
    assert_eq!(
        hints(
            "  F: {Type: AWS::Lambda::Function, Properties: {Role: 'arn:aws:iam::123456789012:role/r', Code: {ZipFile: x}, Runtime: python3.14, Handler: index.h, ReservedConcurrentExecutions: -1}}\n"
        ),
        [h(
            "FF2008",
            "F.Properties.ReservedConcurrentExecutions",
            "allowed: at least 0"
        )]
    );
    // A short list of allowed values whole; a long one cut after 24.
    assert_eq!(
        hints("  L: {Type: AWS::Logs::LogGroup, Properties: {RetentionInDays: 2}}\n"),
        [h(
            "FF2005",
            "L.Properties.RetentionInDays",
            "allowed: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653"
        )]
    );
    let alarm = hints(
        "  A: {Type: AWS::CloudWatch::Alarm, Properties: {ComparisonOperator: GreaterThanThreshold, EvaluationPeriods: 1, Unit: Secs}}\n",
    );
    let unit = alarm
        .iter()
        .find(|d| d.1 == "A.Properties.Unit")
        .expect("the unit is reported");
    assert!(
        unit.2.starts_with("allowed: Bits, Bits/Second, Bytes,")
            && unit.2.ends_with(", ... (27 values)"),
        "{}",
        unit.2
    );
    // An unknown property: the close name, else every name of a short list, else how
    // many there are.
    let topic = |key: &str| {
        hints(&format!(
            "  T: {{Type: AWS::SNS::Topic, Properties: {{{key}: x}}}}\n"
        ))
    };
    assert_eq!(
        topic("TopicNme"),
        [h(
            "FF2002",
            "T.Properties.TopicNme",
            "did you mean `TopicName`?"
        )]
    );
    let unknown = topic("Qqqqqqqq");
    assert!(
        unknown[0].2.starts_with("known properties: ") && unknown[0].2.contains(", TopicName"),
        "{unknown:?}"
    );
    let bucket = hints("  B: {Type: AWS::EC2::Instance, Properties: {Qqqqqqqq: x}}\n");
    assert!(
        bucket[0]
            .2
            .ends_with(" known properties; see the resource's documentation"),
        "{bucket:?}"
    );
}

#[test]
fn a_read_only_property_is_a_warning_and_never_a_suggestion() {
    let found = full_diags(
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      Arn: x\n      \
             DomainName: !Ref AWS::NoValue\n      BucketName: my-bucket\n      WebsiteURL: !If [C, u, v]\n\
             Conditions:\n  C: !Equals [a, a]\n",
    );
    let ro: Vec<_> = found.iter().filter(|d| d.0 == "FF2037").collect();
    // AWS::NoValue sets nothing; a value in either branch of an Fn::If is set.
    assert_eq!(
        ro.iter().map(|d| d.1.as_str()).collect::<Vec<_>>(),
        ["B.Properties.Arn", "B.Properties.WebsiteURL"],
        "{found:?}"
    );
    assert_eq!(
        ro[0].2,
        "`Arn` is read-only in AWS::S3::Bucket: AWS sets it, a template cannot"
    );
    assert_eq!(
        ro[0].3,
        "remove it; to use the value AWS gives it, write `Fn::GetAtt: [B, Arn]`"
    );
    assert!(
        found.iter().all(|d| d.0 == "FF2037"),
        "a warning, and nothing else: {found:?}"
    );
    // A misspelt property is never offered a read-only one, nor are they listed.
    let typo = full_diags("Resources:\n  T: {Type: AWS::SNS::Topic, Properties: {TopicArm: x}}\n");
    assert_eq!(typo.len(), 1, "{typo:?}");
    assert_eq!(
        (typo[0].0.as_str(), typo[0].1.as_str()),
        ("FF2002", "T.Properties.TopicArm")
    );
    assert!(
        typo[0].3.starts_with("known properties: ")
            && typo[0].3.contains("TopicName")
            && !typo[0].3.contains("TopicArn"),
        "{typo:?}"
    );
}

#[test]
fn required_sets_need_one_group_and_exclusive_ones_only_one() {
    let ingress = |props: &str| {
        rule_paths(&format!(
            "Conditions:\n  C: !Equals [a, a]\nResources:\n  I:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: sg-12345678\n      IpProtocol: '-1'\n{props}"
        ))
    };
    // requiredXor: none of the sources...
    let none = full_diags(
        "Resources:\n  I: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: sg-12345678, IpProtocol: '-1'}}\n",
    );
    assert_eq!(none.len(), 1, "{none:?}");
    assert_eq!(
        (none[0].0.as_str(), none[0].1.as_str(), none[0].2.as_str()),
        (
            "FF2003",
            "I.Properties",
            "missing a required property: set exactly one of `CidrIp`, `CidrIpv6`, \
                 `SourcePrefixListId`, `SourceSecurityGroupId` or `SourceSecurityGroupName`"
        )
    );
    // ... or two of them, reported once, at the later one.
    assert_eq!(
        ingress("      CidrIp: 10.0.0.0/8\n      SourceSecurityGroupId: sg-87654321\n"),
        [s("FF2022", "I.Properties.SourceSecurityGroupId")]
    );
    assert_eq!(ingress("      CidrIp: 10.0.0.0/8\n"), []);
    // One or the other by a condition: right for every value of it.
    assert_eq!(
        ingress(
            "      CidrIp: !If [C, 10.0.0.0/8, !Ref AWS::NoValue]\n      \
                 SourceSecurityGroupId: !If [C, !Ref AWS::NoValue, sg-87654321]\n"
        ),
        []
    );
    // AWS::NoValue sets nothing.
    assert_eq!(
        ingress("      CidrIp: !Ref AWS::NoValue\n"),
        [s("FF2003", "I.Properties")]
    );
    // anyOf alternatives that only require: at least one of them.
    let policy = |props: &str| {
        rule_paths(&format!(
            "Resources:\n  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: p\n      \
                 PolicyDocument: {{Version: '2012-10-17', Statement: [{{Effect: Allow, Action: 's3:GetObject', Resource: '*'}}]}}\n{props}"
        ))
    };
    assert_eq!(policy(""), [s("FF2003", "P.Properties")]);
    assert_eq!(policy("      Roles: [r]\n      Users: [u]\n"), []);
    // A group of several properties is named as one.
    let version = full_diags(
        "Resources:\n  V: {Type: AWS::CloudFormation::PublicTypeVersion, Properties: {Type: HOOK}}\n",
    );
    assert!(
            version.iter().any(|d| d.0 == "FF2003"
                && d.2 == "missing a required property: set exactly one of (`TypeName` and `Type`) or `Arn`"),
            "{version:?}"
        );
}

#[test]
fn mapping_sizes_steps_and_unique_keys_are_checked() {
    let attributes = |n: usize, extra: &str| {
        let entries: Vec<String> = (0..n).map(|i| format!("A{i}: x")).collect();
        rule_paths(&format!(
            "Conditions:\n  C: !Equals [a, a]\nResources:\n  S:\n    Type: AWS::ServiceDiscovery::Service\n    \
                 Properties:\n      ServiceAttributes: {{{}{extra}}}\n",
            entries.join(", ")
        ))
    };
    // maxProperties: 30 entries.
    assert_eq!(attributes(30, ""), []);
    assert_eq!(
        attributes(31, ""),
        [s("FF2009", "S.Properties.ServiceAttributes")]
    );
    // An entry a condition may remove does not count toward the maximum.
    assert_eq!(attributes(30, ", Z: !If [C, x, !Ref AWS::NoValue]"), []);
    let found = full_diags(
        "Resources:\n  S:\n    Type: AWS::ServiceDiscovery::Service\n    Properties:\n      \
             ServiceAttributes: {A: x, B: x, C: x, D: x, E: x, F: x, G: x, H: x, I: x, J: x, K: x, \
             L: x, M: x, N: x, O: x, P: x, Q: x, R: x, S: x, T: x, U: x, V: x, W: x, X: x, Y: x, \
             Z: x, AA: x, AB: x, AC: x, AD: x, AE: x}\n",
    );
    assert_eq!(
        (found[0].2.as_str(), found[0].3.as_str()),
        ("the mapping has 31 entries", "allowed: at most 30 entries")
    );
    // multipleOf: a realtime log configuration samples whole percents (1.0).
    let rate = |r: &str| {
        full_diags(&format!(
            "Resources:\n  R:\n    Type: AWS::CloudFront::RealtimeLogConfig\n    Properties:\n      \
                 Name: rt\n      SamplingRate: {r}\n      Fields: [timestamp]\n      EndPoints:\n        \
                 - StreamType: Kinesis\n          KinesisStreamConfig: {{RoleArn: 'arn:aws:iam::123456789012:role/r', \
                 StreamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/s'}}\n"
        ))
    };
    assert!(rate("12").is_empty(), "{:?}", rate("12"));
    assert!(rate("'12'").is_empty(), "{:?}", rate("'12'"));
    let odd = rate("12.5");
    assert_eq!(odd.len(), 1, "{odd:?}");
    assert_eq!(
        (odd[0].0.as_str(), odd[0].1.as_str(), odd[0].2.as_str()),
        (
            "FF2008",
            "R.Properties.SamplingRate",
            "12.5 is not a multiple of 1"
        )
    );
    assert!(super::is_multiple(12.3, 0.1) && super::is_multiple(0.0003, 0.0001));
    assert!(!super::is_multiple(12.34, 0.1));
    // uniqueKeys: a container's environment variables, by Name.
    let env = |vars: &str| {
        full_diags(&format!(
            "Conditions:\n  C: !Equals [a, a]\nResources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      \
                 ContainerDefinitions:\n        - Name: app\n          Image: nginx\n          Memory: 512\n          \
                 Environment: {vars}\n"
        ))
    };
    let twice = env("[{Name: A, Value: '1'}, {Name: B, Value: '2'}, {Name: A, Value: '3'}]");
    assert_eq!(twice.len(), 1, "{twice:?}");
    assert_eq!(
        (
            twice[0].0.as_str(),
            twice[0].1.as_str(),
            twice[0].2.as_str()
        ),
        (
            "FF2028",
            "T.Properties.ContainerDefinitions[0].Environment[2]",
            "item 2 has the `Name` of item 0 (\"A\"), but the list's items are unique by `Name`"
        )
    );
    assert!(env("[{Name: A, Value: '1'}, {Name: B, Value: '1'}]").is_empty());
    // One under a condition may be the other's alternative.
    assert!(
        env("[{Name: A, Value: '1'}, !If [C, {Name: A, Value: '2'}, !Ref AWS::NoValue]]")
            .is_empty()
    );
}

#[test]
fn the_first_items_of_a_list_follow_their_own_schemas() {
    // A DynamoDB local secondary index's key schema: the HASH key first, then the RANGE
    // key.
    let table = |keys: &str| {
        rule_paths(&format!(
            "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      \
                 BillingMode: PAY_PER_REQUEST\n      \
                 KeySchema: [{{AttributeName: id, KeyType: HASH}}, {{AttributeName: at, KeyType: RANGE}}]\n      \
                 AttributeDefinitions: [{{AttributeName: id, AttributeType: S}}, {{AttributeName: at, AttributeType: S}}, \
                 {{AttributeName: by, AttributeType: S}}]\n      \
                 LocalSecondaryIndexes:\n        - IndexName: byUser\n          Projection: {{ProjectionType: ALL}}\n          \
                 KeySchema: {keys}\n"
        ))
    };
    assert_eq!(
        table("[{AttributeName: id, KeyType: HASH}, {AttributeName: by, KeyType: RANGE}]"),
        []
    );
    let index = "T.Properties.LocalSecondaryIndexes[0].KeySchema";
    assert_eq!(
        table("[{AttributeName: by, KeyType: RANGE}, {AttributeName: id, KeyType: HASH}]"),
        [
            s("FF2005", &format!("{index}[0].KeyType")),
            s("FF2005", &format!("{index}[1].KeyType"))
        ]
    );
    // What both schemas require is reported once.
    assert_eq!(
        table("[{AttributeName: id}, {AttributeName: by, KeyType: RANGE}]"),
        [s("FF2003", &format!("{index}[0]"))]
    );
}

#[test]
fn a_function_that_gives_a_list_or_text_where_the_schema_takes_the_other_is_refused() {
    let t = |props: &str| {
        full_diags(&format!(
                "Parameters:\n  Text: {{Type: String}}\n  Ids: {{Type: 'List<AWS::EC2::Subnet::Id>'}}\n  \
                 Names: {{Type: 'AWS::SSM::Parameter::Value<CommaDelimitedList>'}}\n\
                 Mappings:\n  M: {{K: {{V: x}}}}\n\
                 Resources:\n  LB:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n{props}"
            ))
            .into_iter()
            .map(|d| (d.0, d.1, d.2))
            .collect::<Vec<_>>()
    };
    let e = |path: &str, message: &str| {
        (
            "FF2004".to_owned(),
            format!("LB.Properties.{path}"),
            message.to_owned(),
        )
    };
    // Lists where text is taken, text where a list is.
    assert_eq!(
        t("      Name: !GetAZs ''\n      Subnets: !Join [',', [a, b]]\n"),
        [
            e(
                "Name",
                "expected a string, found Fn::GetAZs, which gives a list"
            ),
            e(
                "Subnets",
                "expected a list, found Fn::Join, which gives text"
            )
        ]
    );
    assert_eq!(
        t("      Name: !Ref Ids\n      Subnets: !Ref Text\n      SecurityGroups: !Sub x\n"),
        [
            e(
                "Name",
                "expected a string, found Ref, which gives a list (a list parameter)"
            ),
            e("Subnets", "expected a list, found Ref, which gives text"),
            e(
                "SecurityGroups",
                "expected a list, found Fn::Sub, which gives text"
            )
        ]
    );
    // What fits: lists where lists are taken, one item of a list, text where text or a
    // number is taken, and what may give anything.
    assert_eq!(
        t(
            "      Name: !Select [0, !Ref Names]\n      Subnets: !Ref Ids\n      \
               SecurityGroups: !Split [',', !Ref Text]\n      IpAddressType: !Ref Text\n      \
               LoadBalancerAttributes: !FindInMap [M, K, V]\n"
        ),
        []
    );
}

#[test]
fn an_output_s_value_is_text() {
    let t = |value: &str| {
        full_diags(&format!(
                "Conditions:\n  C: !Equals [a, a]\nParameters:\n  Ids: {{Type: 'List<AWS::EC2::Subnet::Id>'}}\n  \
                 Name: {{Type: String}}\nResources:\n  T: {{Type: AWS::SNS::Topic}}\nOutputs:\n  O:\n    Value: {value}\n"
            ))
            .into_iter()
            .map(|d| (d.0, d.1, d.2))
            .collect::<Vec<_>>()
    };
    let e = |message: &str| {
        vec![(
            "FF2000".to_owned(),
            "O.Value".to_owned(),
            message.to_owned(),
        )]
    };
    assert_eq!(
        t("[a, b]"),
        e("output `O`'s Value is a list: an output's value is text")
    );
    assert_eq!(
        t("{Key: a}"),
        e("output `O`'s Value is a mapping: an output's value is text")
    );
    assert_eq!(
        t("!GetAZs ''"),
        e("output `O`'s Value is Fn::GetAZs, which gives a list: an output's value is text")
    );
    assert_eq!(
        t("!If [C, !Ref T, !Ref Ids]"),
        e(
            "output `O`'s Value is Ref, which gives a list (a list parameter): an output's value is text"
        )
    );
    for fine in [
        "!Ref T",
        "!Ref Name",
        "!Join [',', !Ref Ids]",
        "!Select [0, !GetAZs '']",
        "!GetAtt T.TopicArn",
        "'5'",
        "5",
    ] {
        assert_eq!(t(fine), [], "{fine}");
    }
}

#[test]
fn a_property_another_depends_on_is_required_with_it() {
    let yaml = |sse: &str| {
        format!(
            "Conditions:\n  C: !Equals [a, a]\nResources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      \
                 BillingMode: PAY_PER_REQUEST\n      KeySchema: [{{AttributeName: id, KeyType: HASH}}]\n      \
                 AttributeDefinitions: [{{AttributeName: id, AttributeType: S}}]\n      SSESpecification: {sse}\n"
        )
    };
    let table = |sse: &str| rule_paths(&yaml(sse));
    assert_eq!(
        table("{SSEEnabled: true, KMSMasterKeyId: alias/k}"),
        [s("FF2003", "T.Properties.SSESpecification")]
    );
    let found = full_diags(&yaml("{SSEEnabled: true, KMSMasterKeyId: alias/k}"));
    assert_eq!(
        (found[0].2.as_str(), found[0].3.as_str()),
        (
            "missing the property `SSEType`, which AWS::DynamoDB::Table requires with `KMSMasterKeyId`",
            "set `SSEType`, or remove `KMSMasterKeyId`"
        )
    );
    assert_eq!(
        table("{SSEEnabled: true, KMSMasterKeyId: alias/k, SSEType: KMS}"),
        []
    );
    // Set only under a condition: not judged.
    assert_eq!(
        table("{SSEEnabled: true, KMSMasterKeyId: !If [C, alias/k, !Ref AWS::NoValue]}"),
        []
    );
    // Draft 4's `dependencies` says the same: an Auto Scaling group's maintenance policy
    // gives both of its percentages or neither.
    let group = |policy: &str| {
        rule_paths(&format!(
            "Resources:\n  G:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n      \
                 MinSize: '1'\n      MaxSize: '2'\n      LaunchConfigurationName: lc\n      \
                 AvailabilityZones: [us-east-1a]\n      InstanceMaintenancePolicy: {policy}\n"
        ))
    };
    assert_eq!(
        group("{MinHealthyPercentage: 90}"),
        [s("FF2003", "G.Properties.InstanceMaintenancePolicy")]
    );
    assert_eq!(
        group("{MinHealthyPercentage: 90, MaxHealthyPercentage: 120}"),
        []
    );
}

#[test]
fn each_branch_of_an_fn_if_is_checked_and_a_list_is_no_package_path() {
    let queue = |delay: &str| {
        format!(
            "Conditions:\n  C: !Equals [a, a]\nResources:\n  Q: {{Type: AWS::SQS::Queue, Properties: {{DelaySeconds: {delay}}}}}\n"
        )
    };
    let delay = vec![("FF2004".to_owned(), "Q.Properties.DelaySeconds".to_owned())];
    assert_eq!(schema_diags(&queue("!If [C, abc, 5]")), delay);
    assert_eq!(
        schema_diags(&queue("!If [C, !Ref AWS::NoValue, abc]")),
        delay
    );
    assert_eq!(
        schema_diags(&queue("!If [C, 5, !Ref AWS::NoValue]")),
        vec![]
    );
    // A Lambda function's Code as text is a path for `aws cloudformation package`
    // (another rule); as a list, a wrong type.
    let code = schema_diags(
        "Resources:\n  F: {Type: AWS::Lambda::Function, Properties: {Role: 'arn:aws:iam::123456789012:role/r', Code: [a], Runtime: python3.14, Handler: index.h}}\n",
    );
    assert_eq!(
        code,
        vec![("FF2004".to_owned(), "F.Properties.Code".to_owned())]
    );
}

#[test]
fn values_are_checked_to_a_depth_of_64_and_no_further() {
    // A WAF rule group's statements nest: each `NotStatement: {Statement: ...}` is two
    // levels. With 30 of them, the byte-match statement is at depth 64 (its unknown key
    // is reported) and its members at 65 (a wrong value is not). An `Fn::If` the walk
    // goes through is a level (with nine conditions besides, the template has too many
    // cases to be worked out case by case, where the branch would stand for the Fn::If).
    let found_in = |n: usize, inner: &str, branched: bool| -> Vec<(String, String)> {
        let byte_match = format!(
            "{{ByteMatchStatement: {{FieldToMatch: {{UriPath: {{}}}}, SearchString: a, TextTransformations: [{{Priority: 0, Type: NONE}}], {inner}}}}}"
        );
        let (mut st, conditions, description) = if branched {
            let names: Vec<String> = (0..10).map(|k| format!("C{k}")).collect();
            let conditions: String = names
                .iter()
                .map(|c| format!("  {c}: !Equals [!Ref AWS::Region, {c}]\n"))
                .collect();
            let ifs: Vec<String> = names[1..]
                .iter()
                .map(|c| format!("!If [{c}, a, b]"))
                .collect();
            (
                format!("{{'Fn::If': [C0, {byte_match}, {byte_match}]}}"),
                format!("Conditions:\n{conditions}"),
                format!("      Description: !Join ['', [{}]]\n", ifs.join(", ")),
            )
        } else {
            (byte_match, String::new(), String::new())
        };
        for _ in 0..n {
            st = format!("{{NotStatement: {{Statement: {st}}}}}");
        }
        let visibility =
            "{CloudWatchMetricsEnabled: false, MetricName: m, SampledRequestsEnabled: false}";
        full_diags(&format!(
                "{conditions}Resources:\n  W:\n    Type: AWS::WAFv2::RuleGroup\n    Properties:\n      Scope: REGIONAL\n      Capacity: 10\n{description}      VisibilityConfig: {visibility}\n      Rules:\n        - {{Name: r, Priority: 0, Action: {{Block: {{}}}}, VisibilityConfig: {visibility}, Statement: {st}}}\n"
            ))
            .into_iter()
            .map(|d| (d.0, d.2))
            .collect()
    };
    let found = |n: usize, inner: &str| found_in(n, inner, false);
    let unknown = |n: usize| found(n, "PositionalConstraint: EXACTLY, Nope: 1");
    let wrong = |n: usize| found(n, "PositionalConstraint: NOPE");
    let d = |rule: &str, msg: &str| vec![(rule.to_owned(), msg.to_owned())];
    assert_eq!(wrong(29), d("FF2005", "\"NOPE\" is not an allowed value"));
    assert_eq!(wrong(30), []);
    assert_eq!(unknown(30), d("FF2002", "unknown property `Nope`"));
    assert_eq!(unknown(31), []);
    let branched = |n: usize| found_in(n, "PositionalConstraint: EXACTLY, Nope: 1", true);
    let twice = [
        d("FF2002", "unknown property `Nope`"),
        d("FF2002", "unknown property `Nope`"),
    ]
    .concat();
    assert_eq!(branched(29), twice);
    assert_eq!(branched(30), []);
}

#[test]
fn only_the_property_package_replaces_is_a_package_path() {
    // A path where Lambda's Code goes is for `aws cloudformation package`; text where
    // the same function's Environment goes is a plain wrong type.
    let rules = |properties: &str| {
        full_diags(&format!(
                "Resources:\n  F: {{Type: AWS::Lambda::Function, Properties: {{Role: 'arn:aws:iam::123456789012:role/r', Runtime: python3.13, Handler: index.h, {properties}}}}}\n"
            ))
            .into_iter()
            .map(|d| (d.0, d.1))
            .collect::<Vec<_>>()
    };
    let d = |rule: &str, path: &str| vec![(rule.to_owned(), path.to_owned())];
    assert_eq!(rules("Code: ./src"), d("FF3109", "F.Properties.Code"));
    assert_eq!(
        rules("Code: {ZipFile: x}, Environment: ./env"),
        d("FF2004", "F.Properties.Environment")
    );
}

#[test]
fn a_node_with_properties_but_no_type_takes_a_mapping_and_one_with_neither_anything() {
    // AppSync's SourceApiAssociationConfig has properties and no `type`; QuickSight's
    // FlowDefinition has neither (any value).
    let types = |resource: &str| {
        crate::validate::found(&format!("Resources:\n  R: {resource}\n"), "FF2004")
            .into_iter()
            .map(|d| (d.1, d.2))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        types(
            "{Type: AWS::AppSync::SourceApiAssociation, Properties: {SourceApiAssociationConfig: text}}"
        ),
        [(
            "R.Properties.SourceApiAssociationConfig".to_owned(),
            "expected a mapping, found a string \"text\"".to_owned()
        )]
    );
    assert_eq!(
        types("{Type: AWS::QuickSight::Flow, Properties: {FlowDefinition: text}}"),
        []
    );
    // A list of types that are all `object` (Cognito's PrincipalTags: `["object"]`)
    // takes a mapping too, which a function giving text is not.
    assert_eq!(
        types(
            "{Type: AWS::Cognito::IdentityPoolPrincipalTag, Properties: {IdentityPoolId: x, IdentityProviderName: y, PrincipalTags: !Sub x}}"
        ),
        [(
            "R.Properties.PrincipalTags".to_owned(),
            "expected a mapping, found Fn::Sub, which gives text".to_owned()
        )]
    );
}

#[test]
fn a_list_of_24_allowed_values_is_shown_whole() {
    // Application Auto Scaling's ScalableDimension has exactly 24 values.
    let hint = full_diags(
            "Resources:\n  S:\n    Type: AWS::ApplicationAutoScaling::ScalingPolicy\n    Properties: {PolicyName: p, PolicyType: StepScaling, ScalingTargetId: t, ScalableDimension: nope}\n",
        )
        .into_iter()
        .find(|d| d.0 == "FF2005")
        .expect("the dimension is reported")
        .3;
    assert!(hint.starts_with("allowed: "), "{hint}");
    assert!(!hint.contains("..."), "{hint}");
    assert_eq!(hint.matches(", ").count(), 23, "{hint}");
}

#[test]
fn a_required_property_removed_inside_an_fn_if_branch_is_not_claimed() {
    // The outer Fn::If may exclude the very case that removes Endpoint: no claim.
    let removed = |subscription: &str| {
        crate::validate::found(
                &format!("Parameters:\n  P: {{Type: String}}\nConditions:\n  C: !Equals [!Ref P, a]\n  D: !Equals [!Ref P, b]\nResources:\n  T: {{Type: AWS::SNS::Topic, Properties: {{Subscription: {subscription}}}}}\n"),
                "FF2032",
            )
            .into_iter()
            .map(|d| d.1)
            .collect::<Vec<_>>()
    };
    let item = "{Endpoint: !If [C, !Ref AWS::NoValue, e], Protocol: sqs}";
    assert_eq!(
        removed(&format!("[{item}]")),
        ["T.Properties.Subscription[0].Endpoint"]
    );
    assert_eq!(
        removed(&format!("!If [D, [{item}], !Ref AWS::NoValue]")),
        Vec::<String>::new()
    );
}

#[test]
fn allowed_values_are_judged_only_where_the_schema_takes_a_scalar() {
    // Each allowed value of a parameter is checked as if written where the schema takes
    // one value; not where it takes a list or a mapping. (An Auto Scaling group's
    // VPCZoneIdentifier is a list whose schema node also carries `minLength: 1`: the
    // empty value is not judged by it.)
    let judged = |resource: &str, allowed: &str| {
        full_diags(&format!(
                "Parameters:\n  P: {{Type: String, AllowedValues: [{allowed}]}}\nResources:\n  R: {resource}\n"
            ))
            .into_iter()
            .filter(|d| d.2.contains("(when P = "))
            .map(|d| (d.0, d.1))
            .collect::<Vec<_>>()
    };
    let broker = |property: &str| {
        judged(
            &format!("{{Type: AWS::AmazonMQ::Broker, Properties: {{{property}: !Ref P}}}}"),
            "nope",
        )
    };
    assert_eq!(broker("SecurityGroups"), []);
    assert_eq!(broker("EncryptionOptions"), []);
    assert_eq!(
        broker("EngineType"),
        [("FF2005".to_owned(), "R.Properties.EngineType".to_owned())]
    );
    let group = "{Type: AWS::AutoScaling::AutoScalingGroup, Properties: {MaxSize: '1', MinSize: '0', VPCZoneIdentifier: !Ref P}}";
    assert_eq!(judged(group, "''"), []);
}

#[test]
fn the_values_of_keys_matching_a_pattern_follow_its_schema() {
    let t = |tags: &str| {
        rule_paths(&format!(
            "Resources:\n  P:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Type: String\n      \
             Value: x\n      Tags: {tags}\n"
        ))
    };
    assert_eq!(
        t("{Team: [platform], Owner: web}"),
        [s("FF2004", "P.Properties.Tags.Team")]
    );
    assert_eq!(
        t("{Team: {Name: platform}}"),
        [s("FF2004", "P.Properties.Tags.Team")]
    );
    // Text, or a number or boolean written for it, is a tag value.
    assert!(t("{Team: platform, Port: 8080, Public: false}").is_empty());
    // A key no pattern matches (the tag key pattern takes no `*`) is not judged.
    assert!(t("{'Te*am': [platform]}").is_empty());
}
