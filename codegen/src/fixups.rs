//! Every schema fix of the generator, in one reviewed place: what the provider schemas get
//! wrong or leave out, for which types, and why (after k8s-openapi's `fixups`).
//!
//! Each [`Fixup`] names the types it applies to, the [`Fix`], the reason, and the fact behind
//! it (an AWS page or cfn-lint's code). The generator applies them in one step:
//! [`for_type`] folds the fixups of one type into a [`Fixes`], which the code that needs them
//! reads ([`crate::getatt`], for what `Fn::GetAtt` accepts).
//!
//! Most fixups concern `Fn::GetAtt`: a schema's `readOnlyProperties` is not exactly what
//! CloudFormation returns for the older, non-registry types. The other,
//! [`Fix::UncheckedMapValues`], keeps the validator from judging what SAM's schema (as
//! cfn-lint bundles it) says about values it lags the SAM transform on; [`patch_schema`]
//! applies it to a schema before the validator's constraint data is reduced from it. The generated Rust types need
//! no fixup.
//!
//! Not fixups, because they are rules for every schema rather than corrections of some:
//! word splitting and its mixed-case terms (`GiB`, `vCPU`, `OAuth`) and the reserved names
//! (`naming.rs`), the shared `Tag` for a `Key`/`Value` string pair (`model.rs`), and the full
//! paths of runtime items a resource struct is named after (`emit.rs`).

/// The types a fixup applies to.
#[derive(Clone, Copy, Debug)]
pub enum Applies {
    /// These type names.
    Types(&'static [&'static str]),
    /// Type names that start with this.
    Prefix(&'static str),
    /// Type names that end with this.
    Suffix(&'static str),
}

impl Applies {
    /// Whether the fixup applies to `type_name`.
    pub fn matches(&self, type_name: &str) -> bool {
        match self {
            Applies::Types(names) => names.contains(&type_name),
            Applies::Prefix(p) => type_name.starts_with(p),
            Applies::Suffix(s) => type_name.ends_with(s),
        }
    }
}

/// What a fixup changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fix {
    /// `Fn::GetAtt` accepts any attribute name (`*`).
    AnyAttribute,
    /// Every property, followed through objects and `$ref`s down to scalars and lists of
    /// scalars, is an attribute; `readOnlyProperties` is not used.
    EveryPropertyIsAnAttribute,
    /// These writable properties are attributes too.
    MoreAttributes(&'static [&'static str]),
    /// `Outputs.<name>` is an attribute (`Outputs.*`); the read-only `Outputs` itself is not.
    OutputsAttributes,
    /// The read-only properties are not attributes.
    NoReadOnlyAttributes,
    /// The values of the keys of a mapping that no property names (`additionalProperties`
    /// given as a schema) are not checked: the schema says nothing of them.
    UncheckedMapValues,
}

/// One schema fix.
#[derive(Clone, Copy, Debug)]
pub struct Fixup {
    /// The types it applies to.
    pub applies: Applies,
    /// What it changes.
    pub fix: Fix,
    /// Why: what the schema gets wrong or leaves out.
    pub reason: &'static str,
    /// The fact behind it: an AWS page or cfn-lint's code.
    pub source: &'static str,
}

/// cfn-lint's `GetAtts`, which mirrors what CloudFormation accepts.
const CFN_LINT_GETATTS: &str = "cfn-lint src/cfnlint/schema/_getatts.py";

/// The reason of every [`Fix::MoreAttributes`] (cfn-lint's `_exceptions`).
const WRITABLE_ATTRIBUTES: &str = "a non-registry type whose Fn::GetAtt also returns these \
writable properties, which its schema's readOnlyProperties leaves out";

/// The fixups, applied in this order.
pub const FIXUPS: &[Fixup] = &[
    Fixup {
        applies: Applies::Prefix("Custom::"),
        fix: Fix::AnyAttribute,
        reason: "a custom resource returns whatever attributes its provider puts in Data; the \
                 schema set has no schema for it",
        source: "AWS CloudFormation User Guide, Custom resources (Fn::GetAtt on the Data \
                 fields); cfn-lint _getatts.py _unnamed_unknown_types",
    },
    Fixup {
        applies: Applies::Prefix("AWS::Serverless::"),
        fix: Fix::AnyAttribute,
        reason: "the SAM transform replaces a SAM resource by the resources it generates, and \
                 Fn::GetAtt names an attribute of the one that keeps the logical ID (the \
                 function of an AWS::Serverless::Function, the table of a SimpleTable...); the \
                 SAM schema's readOnlyProperties do not list them",
        source: "AWS SAM Developer Guide, Referencing AWS SAM generated resources and the \
                 Return values section of each resource page",
    },
    Fixup {
        applies: Applies::Prefix("AWS::Serverless::"),
        fix: Fix::UncheckedMapValues,
        reason: "SAM's schema as cfn-lint bundles it lags the SAM transform in the values of \
                 its mappings of names (a function's Events, an API's Authorizers, a GraphQL \
                 API's Resolvers...): over the inputs of SAM's own translator tests, which the \
                 transform accepts, it refuses newer event sources (AlexaSmartHome) and \
                 properties (an Api event's RequestValidators, an MSK event's schema registry \
                 settings), and elsewhere it refuses what the transform accepts (an event's \
                 Description, which SAM ignores; a Cognito event's Trigger as a name)",
        source: "aws/serverless-application-model tests/translator/input (inputs with an \
                 output, i.e. accepted); samtranslator/model/__init__.py Resource.from_dict; \
                 AWS SAM Developer Guide, EventSource and Cognito (Trigger: List | String)",
    },
    Fixup {
        applies: Applies::Types(&["AWS::CloudFormation::CustomResource"]),
        fix: Fix::AnyAttribute,
        reason: "the long form of a custom resource: its provider decides its attributes",
        source: "AWS CloudFormation User Guide, AWS::CloudFormation::CustomResource; cfn-lint \
                 _getatts.py _unnamed_unknown_types",
    },
    Fixup {
        applies: Applies::Suffix("::MODULE"),
        fix: Fix::AnyAttribute,
        reason: "a module's attributes are those of the resources it expands to, which its \
                 schema does not list",
        source: "AWS CloudFormation User Guide, Using modules; cfn-lint _getatts.py \
                 _unnamed_unknown_types",
    },
    Fixup {
        applies: Applies::Types(&[
            "AWS::Amplify::Branch",
            "AWS::Amplify::Domain",
            "AWS::AppSync::DomainName",
            "AWS::AppSync::FunctionConfiguration",
            "AWS::AppSync::Resolver",
            "AWS::AutoScaling::AutoScalingGroup",
            "AWS::Backup::BackupSelection",
            "AWS::Backup::BackupVault",
            "AWS::Backup::LogicallyAirGappedBackupVault",
            "AWS::CodeArtifact::Domain",
            "AWS::CodeArtifact::Repository",
            "AWS::EC2::CapacityReservation",
            "AWS::EC2::Instance",
            "AWS::EC2::SecurityGroup",
            "AWS::EC2::Subnet",
            "AWS::EC2::VPC",
            "AWS::EFS::MountTarget",
            "AWS::EKS::Nodegroup",
            "AWS::ElastiCache::ReplicationGroup",
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            "AWS::Events::EventBus",
            "AWS::EventSchemas::Discoverer",
            "AWS::EventSchemas::Registry",
            "AWS::EventSchemas::Schema",
            "AWS::GameLift::GameSessionQueue",
            "AWS::GameLift::MatchmakingConfiguration",
            "AWS::GameLift::MatchmakingRuleSet",
            "AWS::Grafana::Workspace",
            "AWS::Greengrass::ConnectorDefinition",
            "AWS::Greengrass::CoreDefinition",
            "AWS::Greengrass::DeviceDefinition",
            "AWS::Greengrass::FunctionDefinition",
            "AWS::Greengrass::Group",
            "AWS::Greengrass::LoggerDefinition",
            "AWS::Greengrass::ResourceDefinition",
            "AWS::Greengrass::SubscriptionDefinition",
            "AWS::ImageBuilder::Component",
            "AWS::ImageBuilder::ContainerRecipe",
            "AWS::ImageBuilder::DistributionConfiguration",
            "AWS::ImageBuilder::ImagePipeline",
            "AWS::ImageBuilder::ImageRecipe",
            "AWS::ImageBuilder::InfrastructureConfiguration",
            "AWS::ManagedBlockchain::Node",
            "AWS::Neptune::DBCluster",
            "AWS::RDS::DBInstance",
            "AWS::RDS::DBParameterGroup",
            "AWS::RedshiftServerless::Workgroup",
            "AWS::RoboMaker::RobotApplication",
            "AWS::RoboMaker::SimulationApplication",
            "AWS::Route53Resolver::ResolverRule",
            "AWS::Route53Resolver::ResolverRuleAssociation",
            "AWS::S3::AccessPoint",
            "AWS::SageMaker::DataQualityJobDefinition",
            "AWS::SageMaker::ModelBiasJobDefinition",
            "AWS::SageMaker::ModelExplainabilityJobDefinition",
            "AWS::SageMaker::ModelQualityJobDefinition",
            "AWS::SageMaker::MonitoringSchedule",
            "AWS::SNS::Topic",
            "AWS::SQS::Queue",
            "AWS::SSM::Parameter",
            "AWS::StepFunctions::Activity",
        ]),
        fix: Fix::EveryPropertyIsAnAttribute,
        reason: "Fn::GetAtt on these types accepts more than their schemas' \
                 readOnlyProperties list: cfn-lint, whose list this is, accepts every property \
                 (followed down to scalars and lists of scalars)",
        source: "cfn-lint src/cfnlint/schema/_getatts.py _all_property_types",
    },
    Fixup {
        applies: Applies::Types(&["AWS::AppMesh::GatewayRoute"]),
        fix: Fix::MoreAttributes(&[
            "GatewayRouteName",
            "MeshName",
            "MeshOwner",
            "VirtualGatewayName",
        ]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&["AWS::AppMesh::Mesh"]),
        fix: Fix::MoreAttributes(&["MeshName"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&["AWS::AppMesh::Route"]),
        fix: Fix::MoreAttributes(&["MeshName", "MeshOwner", "RouteName", "VirtualRouterName"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&["AWS::AppMesh::VirtualGateway"]),
        fix: Fix::MoreAttributes(&["MeshName", "MeshOwner", "VirtualGatewayName"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&["AWS::AppMesh::VirtualNode"]),
        fix: Fix::MoreAttributes(&["MeshName", "MeshOwner", "VirtualNodeName"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&["AWS::AppMesh::VirtualRouter"]),
        fix: Fix::MoreAttributes(&["MeshName", "MeshOwner", "VirtualRouterName"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&["AWS::AppMesh::VirtualService"]),
        fix: Fix::MoreAttributes(&["MeshName", "MeshOwner", "VirtualServiceName"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&[
            "AWS::AppSync::DataSource",
            "AWS::Cloud9::EnvironmentEC2",
            "AWS::MediaConvert::JobTemplate",
            "AWS::MediaConvert::Preset",
            "AWS::MediaConvert::Queue",
            "AWS::ServiceDiscovery::Service",
        ]),
        fix: Fix::MoreAttributes(&["Name"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&["AWS::CloudWatch::InsightRule"]),
        fix: Fix::MoreAttributes(&["RuleName"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&["AWS::DocDB::DBCluster"]),
        fix: Fix::MoreAttributes(&["Port"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&["AWS::IoT1Click::Device"]),
        fix: Fix::MoreAttributes(&["Enabled"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&["AWS::IoT1Click::Placement"]),
        fix: Fix::MoreAttributes(&["PlacementName", "ProjectName"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&["AWS::IoT1Click::Project"]),
        fix: Fix::MoreAttributes(&["ProjectName"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&["AWS::Kinesis::StreamConsumer"]),
        fix: Fix::MoreAttributes(&["ConsumerName", "StreamARN"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&["AWS::ManagedBlockchain::Member"]),
        fix: Fix::MoreAttributes(&["NetworkId"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&["AWS::MediaLive::Input"]),
        fix: Fix::MoreAttributes(&["Destinations", "Sources"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&["AWS::OpsWorks::Instance"]),
        fix: Fix::MoreAttributes(&["AvailabilityZone"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&["AWS::OpsWorks::UserProfile"]),
        fix: Fix::MoreAttributes(&["SshUsername"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&["AWS::Route53Resolver::ResolverEndpoint"]),
        fix: Fix::MoreAttributes(&["Direction", "Name"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&["AWS::SageMaker::CodeRepository"]),
        fix: Fix::MoreAttributes(&["CodeRepositoryName"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&["AWS::SageMaker::Endpoint"]),
        fix: Fix::MoreAttributes(&["EndpointName"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&["AWS::SageMaker::EndpointConfig"]),
        fix: Fix::MoreAttributes(&["EndpointConfigName"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&["AWS::SageMaker::Model"]),
        fix: Fix::MoreAttributes(&["ModelName"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&["AWS::SageMaker::NotebookInstance"]),
        fix: Fix::MoreAttributes(&["NotebookInstanceName"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&["AWS::SageMaker::NotebookInstanceLifecycleConfig"]),
        fix: Fix::MoreAttributes(&["NotebookInstanceLifecycleConfigName"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&["AWS::SageMaker::Workteam"]),
        fix: Fix::MoreAttributes(&["WorkteamName"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&["AWS::Transfer::User"]),
        fix: Fix::MoreAttributes(&["ServerId", "UserName"]),
        reason: WRITABLE_ATTRIBUTES,
        source: CFN_LINT_GETATTS,
    },
    Fixup {
        applies: Applies::Types(&[
            "AWS::CloudFormation::Stack",
            "AWS::Serverless::Application",
            "AWS::ServiceCatalog::CloudFormationProvisionedProduct",
        ]),
        fix: Fix::OutputsAttributes,
        reason: "a nested stack (or provisioned product) returns each output of the stack it \
                 creates as Outputs.<name>; the schema has only the read-only Outputs object, \
                 which Fn::GetAtt cannot name itself",
        source: "AWS CloudFormation User Guide, AWS::CloudFormation::Stack return values; \
                 cfn-lint _getatts.py",
    },
    Fixup {
        applies: Applies::Types(&["AWS::CloudFormation::Stack"]),
        fix: Fix::NoReadOnlyAttributes,
        reason: "a nested stack's Fn::GetAtt takes only Outputs.<name>; its schema's other \
                 read-only properties are not attributes",
        source: "AWS CloudFormation User Guide, AWS::CloudFormation::Stack return values; \
                 cfn-lint _getatts.py (returns before reading readOnlyProperties)",
    },
];

/// The table in words, for review (`ferroform-codegen --fixups`): one paragraph per fixup.
pub fn describe() -> String {
    let mut out = String::new();
    for (i, f) in FIXUPS.iter().enumerate() {
        let applies = match f.applies {
            Applies::Types(names) => names.join(", "),
            Applies::Prefix(p) => format!("types starting with {p}"),
            Applies::Suffix(s) => format!("types ending with {s}"),
        };
        let fix = match f.fix {
            Fix::AnyAttribute => "Fn::GetAtt accepts any attribute".to_owned(),
            Fix::EveryPropertyIsAnAttribute => "every property is an attribute".to_owned(),
            Fix::MoreAttributes(names) => format!("also attributes: {}", names.join(", ")),
            Fix::OutputsAttributes => "Outputs.<name> is an attribute".to_owned(),
            Fix::NoReadOnlyAttributes => "read-only properties are not attributes".to_owned(),
            Fix::UncheckedMapValues => {
                "the values of keys no property names are not checked".to_owned()
            }
        };
        out.push_str(&format!(
            "{}. {applies}\n   fix: {fix}\n   why: {}\n   source: {}\n",
            i + 1,
            f.reason,
            f.source
        ));
    }
    out
}

/// The fixups of one type, folded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fixes {
    /// [`Fix::AnyAttribute`].
    pub any_attribute: bool,
    /// [`Fix::EveryPropertyIsAnAttribute`].
    pub every_property_is_an_attribute: bool,
    /// [`Fix::MoreAttributes`], in table order.
    pub more_attributes: Vec<&'static str>,
    /// [`Fix::OutputsAttributes`].
    pub outputs_attributes: bool,
    /// [`Fix::NoReadOnlyAttributes`].
    pub no_read_only_attributes: bool,
    /// [`Fix::UncheckedMapValues`].
    pub unchecked_map_values: bool,
}

/// The fixups of `type_name`, applied in one step.
pub fn for_type(type_name: &str) -> Fixes {
    fold(FIXUPS, type_name)
}

fn fold(fixups: &[Fixup], type_name: &str) -> Fixes {
    let mut f = Fixes::default();
    for fixup in fixups.iter().filter(|f| f.applies.matches(type_name)) {
        match fixup.fix {
            Fix::AnyAttribute => f.any_attribute = true,
            Fix::EveryPropertyIsAnAttribute => f.every_property_is_an_attribute = true,
            Fix::MoreAttributes(names) => f.more_attributes.extend_from_slice(names),
            Fix::OutputsAttributes => f.outputs_attributes = true,
            Fix::NoReadOnlyAttributes => f.no_read_only_attributes = true,
            Fix::UncheckedMapValues => f.unchecked_map_values = true,
        }
    }
    f
}

/// Applies the schema fixups of `type_name` ([`Fix::UncheckedMapValues`]) to its schema.
pub fn patch_schema(type_name: &str, schema: &mut serde_json::Value) {
    if for_type(type_name).unchecked_map_values {
        drop_map_value_schemas(schema);
    }
}

/// Removes every `additionalProperties` that is a schema (an open mapping stays open, and
/// `additionalProperties: false` stays).
fn drop_map_value_schemas(node: &mut serde_json::Value) {
    use serde_json::Value;
    match node {
        Value::Object(m) => {
            if m.get("additionalProperties").is_some_and(Value::is_object) {
                m.remove("additionalProperties");
            }
            m.values_mut().for_each(drop_map_value_schemas);
        }
        Value::Array(a) => a.iter_mut().for_each(drop_map_value_schemas),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fixup_has_a_reason_and_a_source() {
        for f in FIXUPS {
            assert!(
                f.reason.trim().len() >= 20,
                "{f:?}: the reason says what the schema gets wrong"
            );
            assert!(!f.source.trim().is_empty(), "{f:?}: no source");
            if let Applies::Types(names) = f.applies {
                assert!(!names.is_empty(), "{f:?}: applies to no type");
            }
            if let Fix::MoreAttributes(names) = f.fix {
                assert!(!names.is_empty(), "{f:?}: adds no attribute");
            }
        }
    }

    #[test]
    fn a_type_has_at_most_one_fixup_of_each_kind() {
        let mut seen: Vec<(&str, std::mem::Discriminant<Fix>)> = Vec::new();
        for f in FIXUPS {
            if let Applies::Types(names) = f.applies {
                for n in names {
                    let key = (*n, std::mem::discriminant(&f.fix));
                    assert!(!seen.contains(&key), "{n}: two fixups of {:?}", f.fix);
                    seen.push(key);
                }
            }
        }
    }

    #[test]
    fn more_attributes_are_never_shadowed_by_every_property() {
        // With every property an attribute, a list of more would never be read.
        for f in FIXUPS {
            if let (Fix::MoreAttributes(_), Applies::Types(names)) = (f.fix, f.applies) {
                for n in names {
                    assert!(!for_type(n).every_property_is_an_attribute, "{n}");
                }
            }
        }
    }

    /// The fix drops the schemas of mapping values, at any depth, and nothing else.
    #[test]
    fn unchecked_map_values_drop_only_value_schemas() {
        use serde_json::json;
        let mut schema = json!({
            "properties": {
                "Events": {"type": "object", "additionalProperties": {"anyOf": [{"$ref": "#/definitions/E"}]}},
                "Closed": {"type": "object", "additionalProperties": false}
            },
            "definitions": {"E": {"properties": {"M": {"additionalProperties": {"type": "string"}}}}}
        });
        patch_schema("AWS::Serverless::Function", &mut schema);
        assert_eq!(
            schema,
            json!({
                "properties": {
                    "Events": {"type": "object"},
                    "Closed": {"type": "object", "additionalProperties": false}
                },
                "definitions": {"E": {"properties": {"M": {}}}}
            })
        );
        let mut other = json!({"additionalProperties": {"type": "string"}});
        patch_schema("AWS::Logs::LogGroup", &mut other);
        assert_eq!(other, json!({"additionalProperties": {"type": "string"}}));
    }

    #[test]
    fn fixups_fold_per_type() {
        assert_eq!(for_type("AWS::ECS::Service"), Fixes::default());
        assert!(for_type("Custom::Thing").any_attribute);
        assert!(for_type("AWS::CloudFormation::CustomResource").any_attribute);
        assert!(for_type("My::Org::Thing::MODULE").any_attribute);
        assert!(for_type("AWS::Serverless::Function").any_attribute);
        assert!(for_type("AWS::EC2::VPC").every_property_is_an_attribute);
        assert_eq!(
            for_type("AWS::Transfer::User").more_attributes,
            ["ServerId", "UserName"]
        );
        let stack = for_type("AWS::CloudFormation::Stack");
        assert!(stack.outputs_attributes && stack.no_read_only_attributes);
        let product = for_type("AWS::ServiceCatalog::CloudFormationProvisionedProduct");
        assert!(product.outputs_attributes && !product.no_read_only_attributes);
    }
}
