//! The rule registry: every rule a [`Diagnostic`](crate::Diagnostic) can name, in one place.
//!
//! Each rule is a typed constant ([`Rule`]) with its stable id, its severity, what it
//! checks in one line, and the AWS documentation page for the fact it checks. Code that
//! reports a problem passes the constant (`rules::FARGATE_CPU_MEMORY`), never an id string,
//! and the severity always comes from here. [`RULES`] lists every rule, in id order;
//! `docs/rules.md` is generated from it (`tests/readme.rs` fails when the file is stale).
//!
//! The ranges:
//! - `FF10xx` ([`Origin::Model`]): stacks and apps, found when a stack is synthesized;
//! - `FF15xx` ([`Origin::Construct`]): the high-level constructs' input;
//! - `FF2xxx`–`FF4xxx` ([`Origin::Validator`]): the validator ([`crate::validate`]), run by
//!   `ferroform validate` and by every `synth`.
//!
//! The constants are named for what they check, so a call site reads as the problem it
//! reports; `docs/rules.md` and each constant's documentation give the id. A diagnostic
//! keeps the id as text ([`Diagnostic::rule`](crate::Diagnostic::rule), for output and for
//! matching), and compares equal to its rule:
//!
//! ```
//! use ferroform::{Template, rules};
//! use ferroform::validate::validate;
//! let t = Template::parse("t.yaml", "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      RetentionInDays: 15\n").unwrap();
//! let d = &validate(&t).diagnostics[0];
//! assert_eq!(d.rule, rules::ENUM_VALUE);
//! assert_eq!(d.severity, rules::ENUM_VALUE.severity);
//! assert_eq!(rules::by_id(d.rule), Some(&rules::ENUM_VALUE));
//! ```

use crate::model::diag::Severity;

/// One rule: a stable id, its severity, what it checks and where AWS documents the fact.
///
/// Rules are made here only (the struct is `non_exhaustive`): use the constants of this
/// module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Rule {
    /// Stable id (`FF2002`).
    pub id: &'static str,
    /// The name of the constant (`UNKNOWN_PROPERTY`).
    pub name: &'static str,
    /// Error (the stack or template is refused) or warning.
    pub severity: Severity,
    /// What checks it.
    pub origin: Origin,
    /// What the rule checks, in one line.
    pub summary: &'static str,
    /// The AWS documentation page for the fact the rule checks.
    pub doc_url: &'static str,
}

/// What checks a rule (and so when it is reported).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// The template model: stacks and apps, checked when a stack is synthesized (`FF10xx`).
    Model,
    /// The high-level constructs ([`crate::ecs`]), checked at synth (`FF15xx`).
    Construct,
    /// The validator ([`crate::validate`]): `ferroform validate` and every `synth`
    /// (`FF2xxx` to `FF4xxx`).
    Validator,
}

impl PartialEq<&str> for Rule {
    fn eq(&self, id: &&str) -> bool {
        self.id == *id
    }
}

impl PartialEq<Rule> for &str {
    /// A diagnostic's rule id compares equal to its rule: `d.rule == rules::BAD_EXPORT`.
    fn eq(&self, rule: &Rule) -> bool {
        *self == rule.id
    }
}

/// The rule with this id.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// The validator's rules (`FF2xxx` to `FF4xxx`), in id order: what `ferroform validate`
/// can report.
pub fn validator_rules() -> impl Iterator<Item = &'static Rule> {
    RULES.iter().filter(|r| r.origin == Origin::Validator)
}

/// Declares each rule as a constant (documented from its fields) and [`RULES`], the list of
/// them all, so a rule cannot be declared without being listed.
macro_rules! registry {
    ($(
        $name:ident = $severity:ident $origin:ident $id:literal
            $summary:literal
            $url:literal;
    )*) => {
        $(
            #[doc = concat!("`", $id, "` (", stringify!($severity), "): ", $summary, ".")]
            #[doc = ""]
            #[doc = concat!("AWS documentation: <", $url, ">")]
            pub const $name: Rule = Rule {
                id: $id,
                name: stringify!($name),
                severity: Severity::$severity,
                origin: Origin::$origin,
                summary: $summary,
                doc_url: $url,
            };
        )*

        /// Every rule, in id order: `docs/rules.md`, the README's pointer to it and
        /// `ferroform validate --help` are built from this list.
        pub const RULES: &[Rule] = &[$($name),*];
    };
}

registry! {
    // ---- The template model: stacks and apps (FF10xx) ----------------------------------
    INVALID_LOGICAL_ID = Error Model "FF1001"
        "a logical ID is not 1–255 ASCII letters and digits"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html";
    DUPLICATE_LOGICAL_ID = Error Model "FF1002"
        "a logical ID is used twice (resources and parameters share one namespace)"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html";
    CROSS_STACK_REFERENCE = Error Model "FF1003"
        "a handle, parameter, condition or mapping of another stack was used where no export can help: `DependsOn` across stacks, or `Stack::to_template` outside its `App`"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/walkthrough-crossstackref.html";
    FOREIGN_HANDLE = Error Model "FF1004"
        "a stack's options were set through a handle of another stack"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-product-attribute-reference.html";
    DANGLING_REFERENCE = Error Model "FF1005"
        "a `Ref` or `Fn::GetAtt` inside plain JSON (a raw resource, a `json!` document) names nothing in the stack"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-ref.html";
    DUPLICATE_STACK = Error Model "FF1006"
        "two stacks of one app have the same name"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html";
    INVALID_STACK_NAME = Error Model "FF1007"
        "a stack name is not a valid CloudFormation stack name"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html";
    BAD_OVERRIDE = Error Model "FF1008"
        "an override names nothing: a property or attribute override's path, or an `override_logical_id` that no part was added under"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html";
    BAD_EXPORT = Error Model "FF1009"
        "an explicit export is misused (taken output ID, more than 200 outputs)"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/outputs-section-structure.html";
    STACK_CYCLE = Error Model "FF1010"
        "stacks import from each other in a cycle"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-exports.html";
    INVALID_STACK_SET = Error Model "FF1011"
        "a stack set's targets, regions or operation preferences are not what CloudFormation accepts (12-digit accounts, OU IDs, region names, percentages 1–100)"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperationPreferences.html";
    STACK_SET_REFERENCE = Error Model "FF1012"
        "a stack set uses a handle of another stack of its app, or gives one to it: its instances live in other accounts and regions"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/what-is-cfnstacksets.html";
    STACK_SET_IMAGE = Error Model "FF1013"
        "a stack set's stack builds an image from source: it would be pushed to the deploying account only, where the instances' accounts cannot pull it"
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html";

    // ---- The constructs (FF15xx) ---------------------------------------------------------
    INVALID_INPUT = Error Construct "FF1501"
        "a construct was given input it cannot build (reported, never panicked on)"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html";
    UNMANAGED_ROLE = Warning Construct "FF1502"
        "a role was given by ARN, so a permission a construct would grant is listed for you to allow instead"
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html";
    IMAGE_SOURCE = Error Construct "FF1503"
        "an image built from source cannot be: its directory, Dockerfile or a file is missing, a link leaves the build context, the base image is not pinned by digest, or it is built for another platform than its task runs on"
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/docker-push-ecr-image.html";
    IMAGE_REPOSITORY_IN_SAME_STACK = Error Construct "FF1504"
        "an image built from source is pushed to a repository the same stack creates: the first deploy needs the image before the repository exists"
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_image";

    // ---- The validator: schema (FF20xx) --------------------------------------------------
    TEMPLATE_STRUCTURE = Error Validator "FF2000"
        "template structure: sections, resource entries, outputs, parameters and the arguments of intrinsic functions are well formed"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html";
    UNKNOWN_RESOURCE_TYPE = Error Validator "FF2001"
        "unknown resource type (with a suggestion)"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html";
    UNKNOWN_PROPERTY = Error Validator "FF2002"
        "unknown property (with a \"did you mean\" suggestion)"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/resource-type-schemas.html";
    REQUIRED_PROPERTY = Error Validator "FF2003"
        "required property missing"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/resource-type-schemas.html";
    VALUE_TYPE = Error Validator "FF2004"
        "value of the wrong type"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/resource-type-schemas.html";
    ENUM_VALUE = Error Validator "FF2005"
        "value not one of the allowed values"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/resource-type-schemas.html";
    STRING_PATTERN = Error Validator "FF2006"
        "string does not match the property's pattern"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/resource-type-schemas.html";
    STRING_LENGTH = Error Validator "FF2007"
        "string length out of range"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/resource-type-schemas.html";
    NUMBER_RANGE = Error Validator "FF2008"
        "number out of range, or not a multiple of the schema's step (multipleOf)"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/resource-type-schemas.html";
    ARRAY_SIZE = Error Validator "FF2009"
        "array size, or a mapping's number of entries, out of range"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/resource-type-schemas.html";
    FOREACH_SYNTAX = Error Validator "FF2010"
        "Fn::ForEach that CloudFormation cannot expand: not [Identifier, Collection, {OutputKey: OutputValue}], a collection that is not a list, or no AWS::LanguageExtensions transform"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach.html";
    FOREACH_DUPLICATE_KEY = Error Validator "FF2011"
        "Fn::ForEach generates a key (logical ID, output, condition or property) that is already where it is merged"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach.html";
    FOREACH_UNCHECKED = Warning Validator "FF2012"
        "Fn::ForEach loops too large to expand offline item by item, checked once each with their identifiers unknown"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach.html";
    RETIRED_SERVICE = Error Validator "FF2013"
        "resource type of a service AWS has shut down (no such resource can be created)"
        "https://docs.aws.amazon.com/general/latest/gr/full_shutdown_services.html";
    RETIRING_SERVICE = Warning Validator "FF2014"
        "resource type of a service AWS is shutting down or keeps in maintenance mode"
        "https://docs.aws.amazon.com/general/latest/gr/lifecycle-doc-history.html";
    POLICY_DOCUMENT = Error Validator "FF2015"
        "policy document IAM refuses (trust, identity or resource policy: its elements, Effect, Action, Principal, Resource, Condition)"
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html";
    LAMBDA_RUNTIME_CREATE_BLOCKED = Error Validator "FF2016"
        "Lambda runtime AWS no longer lets you create functions on (a new stack or a replaced function fails)"
        "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html";
    LAMBDA_RUNTIME_DEPRECATED = Warning Validator "FF2017"
        "Lambda runtime AWS has deprecated (no more security patches) but still lets you create functions on"
        "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html";
    MACRO_PARTIAL = Warning Validator "FF2018"
        "template processed by a macro: only what is written was checked"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-macros.html";
    NULL_VALUE = Error Validator "FF2019"
        "a value is `null` (an empty YAML value, `~`, JSON `null`): CloudFormation refuses the template"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html";
    MALFORMED_IDENTIFIER = Error Validator "FF2020"
        "a literal value is not an identifier or ARN of the kind the property takes (a security group ID, a VPC ID, an AMI ID, a role ARN...)"
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html";
    DYNAMODB_ATTRIBUTES = Error Validator "FF2021"
        "a DynamoDB table's AttributeDefinitions do not define exactly the attributes its key schemas (table and indexes) use"
        "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html";
    EXCLUSIVE_PROPERTIES = Error Validator "FF2022"
        "two properties the resource type's schema declares mutually exclusive are both set"
        "https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html";
    DUPLICATE_IDENTIFIER = Error Validator "FF2023"
        "two resources of one type set the same primary identifier (a bucket name, a log group name...): the second cannot be created"
        "https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html";
    CIDR_HOST_BITS = Warning Validator "FF2024"
        "a CIDR block with host bits set (10.0.0.1/24): AWS takes the whole network it falls in, so 192.168.1.0/0 opens a rule to every address"
        "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html";
    BUCKET_ACL_DISABLED = Error Validator "FF2025"
        "an S3 bucket given a canned ACL that grants others access while its object ownership disables ACLs (BucketOwnerEnforced, the default): S3 refuses it"
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html";
    DNS_RECORD_VALUE = Error Validator "FF2026"
        "a Route 53 record value Route 53 refuses: an A record's not IPv4, an AAAA record's not IPv6, a TXT record's not quoted strings of at most 255 characters"
        "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/ResourceRecordTypes.html";
    ELASTICACHE_FAILOVER = Error Validator "FF2027"
        "an ElastiCache replication group with automatic failover and fewer than 2 nodes, or in cluster mode without automatic failover"
        "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html";
    DUPLICATE_ITEM = Warning Validator "FF2028"
        "a list whose items the schema says are unique repeats an item, or one's key values (uniqueKeys: environment variables by Name); one is enough, and resource types whose handlers check the schema refuse the list"
        "https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html";
    DYNAMODB_THROUGHPUT = Error Validator "FF2029"
        "a DynamoDB table's throughput does not follow its billing mode: ProvisionedThroughput missing (PROVISIONED, the default) or given (PAY_PER_REQUEST)"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-table.html";
    NESTED_PARAMETERS = Error Validator "FF2030"
        "a nested stack (or SAM application) whose template is a local file is given a parameter that template does not declare, or not given one it declares without a Default"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-stack.html";
    IGNORE_GLOBALS_UNSET = Warning Validator "FF2031"
        "a SAM resource's IgnoreGlobals names a property its kind's Globals do not set: nothing is ignored (a misspelt name?)"
        "https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html";
    REQUIRED_REMOVED = Warning Validator "FF2032"
        "a required property is AWS::NoValue in one branch of its Fn::If, on a resource created whatever the condition: for those parameter values it cannot be created"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/pseudo-parameter-reference.html";
    CLOUDFRONT_ALIAS = Error Validator "FF2033"
        "a CloudFront alternate domain name that is not a lowercase domain name, or has a wildcard other than as its whole first label"
        "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/CNAMEs.html";
    RDS_ENGINE = Error Validator "FF2034"
        "an RDS DB instance or DB cluster Engine that RDS does not create (not one of the API's valid values, compared ignoring case)"
        "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html";
    POLICY_NOT_APPLIED = Warning Validator "FF2035"
        "a CreationPolicy or UpdatePolicy on a resource type (or module) CloudFormation does not apply it to"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-creationpolicy.html";
    CFN_INIT_SHAPE = Warning Validator "FF2036"
        "AWS::CloudFormation::Init metadata that cfn-init cannot read: a config, section or entry that is not a mapping, a setting that is one where text belongs"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-init.html";
    READ_ONLY_PROPERTY = Warning Validator "FF2037"
        "a resource sets a property its type's schema lists as read-only: AWS sets it, a template cannot (read it with Fn::GetAtt instead)"
        "https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html";
    ALB_SUBNETS = Warning Validator "FF2038"
        "an Application Load Balancer given one subnet: it needs subnets in at least two Availability Zones (one subnet only on an Outpost)"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticloadbalancingv2-loadbalancer.html";
    PARAMETER_DEFAULT = Error Validator "FF2039"
        "a String or Number parameter's Default breaks its own AllowedValues, AllowedPattern, MinLength, MaxLength, MinValue or MaxValue"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html";
    TYPE_NEAR_AWS = Warning Validator "FF2040"
        "a resource type that would be AWS's but for a slip in its first part (AS::IAM::Role): it deploys only where a type of that name is registered"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html";
    PIPELINE_STAGES = Error Validator "FF2041"
        "a CodePipeline pipeline whose first stage holds an action that is not a source action, a later stage a source action, or an action whose input artifact no preceding action outputs"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-codepipeline-pipeline-inputartifact.html";
    ALARM_PERIOD = Error Validator "FF2042"
        "a CloudWatch alarm whose Period is not 10, 20, 30 or a multiple of 60 seconds, or whose Period × EvaluationPeriods is longer than CloudWatch evaluates (a day for periods under an hour, seven days otherwise)"
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html";
    SAM_IGNORED_ATTRIBUTE = Warning Validator "FF2043"
        "a key of an AWS::Serverless resource that is no resource attribute SAM reads (a Description beside Properties): the SAM transform drops it"
        "https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-resource-attributes.html";

    // ---- The validator: references (FF30xx) ----------------------------------------------
    UNKNOWN_REF = Error Validator "FF3001"
        "Ref to something that does not exist (or a resource from Conditions)"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-ref.html";
    UNKNOWN_GETATT_RESOURCE = Error Validator "FF3002"
        "Fn::GetAtt of a resource that does not exist"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getatt.html";
    UNKNOWN_GETATT_ATTRIBUTE = Error Validator "FF3003"
        "Fn::GetAtt of an attribute the resource type does not have"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getatt.html";
    GETATT_OF_PARAMETER = Error Validator "FF3004"
        "Fn::GetAtt of a parameter (only resources have attributes)"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getatt.html";
    UNKNOWN_SUB_VARIABLE = Error Validator "FF3005"
        "Fn::Sub variable that names nothing"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-sub.html";
    UNKNOWN_DEPENDS_ON = Error Validator "FF3006"
        "DependsOn names a resource that does not exist (or itself)"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-dependson.html";
    UNKNOWN_CONDITION = Error Validator "FF3007"
        "condition that does not exist (Condition, Fn::If)"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/conditions-section-structure.html";
    UNKNOWN_MAPPING = Error Validator "FF3008"
        "Fn::FindInMap of a mapping (or literal key) that does not exist"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-findinmap.html";
    DEPENDENCY_CYCLE = Error Validator "FF3009"
        "dependency cycle between resources (DependsOn or references)"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-dependson.html";
    SELECT_OUT_OF_RANGE = Error Validator "FF3010"
        "Fn::Select index out of range of a literal list"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-select.html";
    CONDITIONAL_REFERENCE = Warning Validator "FF3011"
        "reference to a conditional resource from a place not guarded by its condition"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-condition.html";
    NO_ECHO_IN_CLEAR = Warning Validator "FF3012"
        "NoEcho parameter shown in clear by an output or a resource's Metadata"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html";
    REF_OF_ANOTHER_KIND = Error Validator "FF3013"
        "a VpcId, subnet or security group property given Ref of a template resource of another kind (a role's name where a VPC ID belongs)"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-ref.html";

    // ---- The validator: template limits (FF31xx) -----------------------------------------
    TOO_MANY_RESOURCES = Error Validator "FF3101"
        "more than 500 resources"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html";
    TOO_MANY_SECTION_ENTRIES = Error Validator "FF3102"
        "more than 200 parameters, outputs or mappings"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html";
    LOGICAL_ID_FORMAT = Error Validator "FF3103"
        "logical ID not alphanumeric or longer than 255 characters"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html";
    DUPLICATE_EXPORT_NAME = Error Validator "FF3104"
        "export name used twice"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-importvalue.html";
    BODY_OVER_INLINE_LIMIT = Warning Validator "FF3105"
        "template body over 51,200 bytes (deploy must upload it to S3)"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html";
    BODY_TOO_LARGE = Error Validator "FF3106"
        "template body over 1 MB"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html";
    DESCRIPTION_TOO_LONG = Error Validator "FF3107"
        "description over 1,024 bytes"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-description-structure.html";
    YAML_ALIAS = Warning Validator "FF3108"
        "YAML alias, which CloudFormation does not read (only package or SAM expand it)"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html";
    PACKAGE_FIRST = Warning Validator "FF3109"
        "local path or S3 URL where a mapping belongs, or a `rain pkg` directive: a template to package first"
        "https://docs.aws.amazon.com/cli/latest/reference/cloudformation/package.html";

    // ---- The validator: task definitions and services (FF400x, FF401x) -------------------
    FARGATE_CPU_MEMORY = Error Validator "FF4001"
        "Fargate task cpu/memory combination not supported"
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size";
    FARGATE_TASK_SIZE_MISSING = Error Validator "FF4002"
        "Fargate task without task-level Cpu or Memory"
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html";
    FARGATE_NETWORK_MODE = Error Validator "FF4003"
        "Fargate task whose NetworkMode is not awsvpc"
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html";
    NO_CONTAINERS = Error Validator "FF4004"
        "task definition without containers"
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html";
    NO_ESSENTIAL_CONTAINER = Error Validator "FF4005"
        "task definition without an essential container"
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html";
    CONTAINER_MEMORY_RESERVATION = Error Validator "FF4006"
        "container Memory not greater than its MemoryReservation"
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html";
    CONTAINERS_EXCEED_TASK = Error Validator "FF4007"
        "containers' memory or cpu exceeds the task's"
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html";
    HOST_PORT_MISMATCH = Error Validator "FF4008"
        "HostPort differs from ContainerPort in awsvpc or host network mode"
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html";
    EC2_MEMORY_MISSING = Error Validator "FF4009"
        "EC2 task without memory at task or container level"
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html";
    AWSLOGS_OPTIONS = Error Validator "FF4010"
        "awslogs log configuration missing required options, with unknown ones, or naming its log group by ARN"
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LogConfiguration.html";
    FARGATE_SERVICE_COMPATIBILITY = Error Validator "FF4011"
        "FARGATE service whose task definition is not FARGATE-compatible"
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/launch_types.html";
    SERVICE_NETWORK_CONFIGURATION = Error Validator "FF4012"
        "service of an awsvpc task without NetworkConfiguration"
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html";
    LISTENER_DEPENDENCY = Warning Validator "FF4013"
        "load-balanced service that does not depend on its listener"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-dependson.html";
    UNSUPPORTED_DAEMON = Error Validator "FF4014"
        "service on Fargate, or with the CODE_DEPLOY or EXTERNAL deployment controller, with the DAEMON scheduling strategy"
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html";
    STRATEGY_CONTROLLER = Error Validator "FF4015"
        "service with a BLUE_GREEN, LINEAR or CANARY deployment strategy whose deployment controller is not ECS"
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/blue-green-deployment-implementation.html";
    STRATEGY_CONFIGURATION = Error Validator "FF4016"
        "LinearConfiguration without the LINEAR strategy, or CanaryConfiguration without CANARY"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-deploymentconfiguration.html";
    DEPLOYMENT_TOO_LONG = Error Validator "FF4017"
        "linear or canary deployment whose bake times add up to more than the 33 hours CloudFormation accepts"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-linearconfiguration.html";
    BAKE_TIME_CONTROLLER = Warning Validator "FF4018"
        "BakeTimeInMinutes on a service whose deployment controller (CODE_DEPLOY, EXTERNAL) does not support it"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-deploymentconfiguration.html";
    SERVICE_CONNECT_PORT_NAME = Error Validator "FF4019"
        "Service Connect service whose PortName names no port mapping of the task definition's containers"
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectService.html";

    // ---- The validator: ECR lifecycle policies (FF402x) ----------------------------------
    ECR_LIFECYCLE_POLICY = Error Validator "FF4020"
        "ECR lifecycle policy text is not a valid lifecycle policy"
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html";
    ECR_DUPLICATE_PRIORITY = Error Validator "FF4021"
        "ECR lifecycle rules share a rulePriority"
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html";
    ECR_ANY_PRIORITY = Error Validator "FF4022"
        "ECR lifecycle rule with tagStatus any does not have the highest rulePriority"
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html";
    ECR_TAG_SELECTION = Error Validator "FF4023"
        "ECR lifecycle tag prefix/pattern lists without tagStatus tagged (or tagged without one)"
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html";
    ECR_COUNT_UNIT = Error Validator "FF4024"
        "ECR lifecycle countUnit without sinceImagePushed (or sinceImagePushed without it)"
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html";
    LOAD_BALANCER_CONTAINER = Error Validator "FF4025"
        "a service's load balancer names a container, or a container port, its task definition does not have"
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LoadBalancer.html";
    MOUNT_POINT_VOLUME = Error Validator "FF4026"
        "a container's mount point names a volume its task definition does not declare"
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_MountPoint.html";
    CONTAINER_DEPENDENCY = Error Validator "FF4027"
        "a container's DependsOn waits for COMPLETE or SUCCESS of an essential container, for HEALTHY of a container without a health check, or a container logs to awsfirelens without a log router"
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html";
    CONTAINER_SETTING_RANGE = Error Validator "FF4028"
        "a container or task setting outside what ECS accepts (health check interval, timeout, retries and start period; ephemeral storage; container name; a container port mapped for two protocols; EFS IAM or access point without transit encryption)"
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html";

    // ---- The validator: Application Auto Scaling (FF403x) --------------------------------
    SCALABLE_TARGET_RESOURCE_ID = Error Validator "FF4030"
        "ECS scalable target ResourceId not `service/<cluster>/<service>`"
        "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html";
    SCALABLE_TARGET_DIMENSION = Error Validator "FF4031"
        "ECS scalable target dimension not ecs:service:DesiredCount"
        "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html";
    MIN_ABOVE_MAX_CAPACITY = Error Validator "FF4032"
        "scalable target MinCapacity greater than MaxCapacity"
        "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html";
    SCALING_POLICY_TARGET = Error Validator "FF4033"
        "a scaling policy's ScalingTargetId refers to a resource that is not a scalable target (naming no target at all is FF2003, from the schema)"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-applicationautoscaling-scalingpolicy.html";
    SCALED_DESIRED_COUNT = Warning Validator "FF4034"
        "auto-scaled ECS service that sets DesiredCount (every update scales it back)"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecs-service.html#cfn-ecs-service-desiredcount";
    SCALING_POLICY_CONFIGURATION = Error Validator "FF4035"
        "an Application Auto Scaling policy without the configuration of its PolicyType, whose step adjustments overlap, leave gaps or break the null-bound rules, with a ResourceLabel for another metric than ALBRequestCountPerTarget, or that metric outside ECS and Spot Fleets"
        "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html";

    // ---- The validator: capacity providers (FF404x) --------------------------------------
    CAPACITY_PROVIDER_NAME = Error Validator "FF4040"
        "capacity provider name starting with aws, ecs or fargate (given, or generated from such a stack name)"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecs-capacityprovider.html";
    TERMINATION_PROTECTION_SCALING = Error Validator "FF4041"
        "managed termination protection without managed scaling"
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AutoScalingGroupProvider.html";
    TERMINATION_PROTECTION_SCALE_IN = Error Validator "FF4042"
        "managed termination protection with an Auto Scaling group that does not protect new instances from scale-in"
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AutoScalingGroupProvider.html";
    FARGATE_SPOT_PLATFORM = Error Validator "FF4043"
        "ARM64 or Windows tasks placed on Fargate Spot (it runs Linux X86_64 tasks only)"
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html";
    MANAGED_INSTANCES_ASSOCIATION = Error Validator "FF4044"
        "Managed Instances capacity provider listed in a cluster's capacity providers (ECS refuses the association)"
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PutClusterCapacityProviders.html";
    STRATEGY_WITH_LAUNCH_TYPE = Error Validator "FF4045"
        "a service sets both LaunchType and CapacityProviderStrategy"
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html";
    STRATEGY_BASES = Error Validator "FF4046"
        "more than one provider of a capacity provider strategy has a Base"
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html";
    STRATEGY_WEIGHTS = Error Validator "FF4047"
        "a capacity provider strategy of several providers gives none a Weight above 0"
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html";
    STRATEGY_MIXED = Error Validator "FF4048"
        "a capacity provider strategy mixes Fargate providers and Auto Scaling group providers"
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-capacity-providers.html";
    STRATEGY_NOT_ASSOCIATED = Error Validator "FF4049"
        "a capacity provider strategy names a provider its cluster does not have (the cluster's providers written in the template)"
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html";

    // ---- The validator: volumes configured at launch (FF405x) ---------------------------
    SERVICE_VOLUME_CONFIGURATION = Error Validator "FF4050"
        "service volume configuration naming no task definition volume configured at launch"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-servicevolumeconfiguration.html";
    VOLUMES_AT_LAUNCH = Error Validator "FF4051"
        "task definition with more than one volume configured at launch"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-taskdefinition-volume.html";
    EBS_VOLUME_SETTINGS = Error Validator "FF4052"
        "ECS-managed EBS volume settings ECS refuses (size or snapshot, size, IOPS and throughput for the volume type, magnetic on Fargate)"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-servicemanagedebsvolumeconfiguration.html";
    EBS_VOLUME_PLACEMENT = Error Validator "FF4053"
        "ECS-managed EBS volume on tasks that cannot have one (external instances, Windows on Fargate)"
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_data_volumes.html";
    EBS_VOLUME_UNMOUNTED = Warning Validator "FF4054"
        "volume configured at launch that no container mounts"
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ebs-volumes.html";
    FARGATE_UNSUPPORTED = Error Validator "FF4055"
        "a task definition or service on Fargate uses a setting Fargate does not support (container parameters, Linux parameters, log drivers, FireLens configuration from S3, IPC/PID modes, placement constraints, Docker or host volumes, Windows below 1 vCPU)"
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html";
    NETWORK_MODE_SETTING = Error Validator "FF4056"
        "a setting the task definition's network mode does not allow (a service NetworkConfiguration outside awsvpc, Hostname or ExtraHosts with awsvpc, Links outside bridge, port mappings with none)"
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#network_mode";
    SERVICE_SETTING = Error Validator "FF4057"
        "a service setting ECS refuses with its task definition or deployment controller (service registries, the deployment circuit breaker outside the ECS controller, DAEMON on a Fargate capacity provider strategy, a Classic Load Balancer or non-ip target group with awsvpc, a Role without a load balancer or with awsvpc)"
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html";

    // ---- The validator: Express Mode services (FF406x) ----------------------------------
    EXPRESS_SERVICE_SIZE = Error Validator "FF4060"
        "Express Mode service whose Cpu and Memory are not a Fargate task size"
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/express-service-work.html";
    EXPRESS_SCALING_RANGE = Error Validator "FF4061"
        "Express Mode service scaling with MinTaskCount above MaxTaskCount"
        "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html";

    // ---- The validator: Service Connect (FF407x) ----------------------------------------
    SERVICE_CONNECT_ACCESS_LOGS = Error Validator "FF4070"
        "Service Connect access logs without a LogConfiguration"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-serviceconnectconfiguration.html";
    SERVICE_CONNECT_TCP_TIMEOUT = Error Validator "FF4071"
        "Service Connect per-request timeout on a port without AppProtocol (TCP)"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-timeoutconfiguration.html";
    SERVICE_CONNECT_CLIENT_ALIASES = Error Validator "FF4072"
        "Service Connect service with more than one client alias"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-serviceconnectservice.html";

    // ---- The validator: traffic shifting (FF408x) -----------------------------------------
    TRAFFIC_SHIFTING_PARTS = Warning Validator "FF4080"
        "blue/green, linear or canary service behind a target group without the alternate group, production listener rule and role"
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-advancedconfiguration.html";
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn ids_are_unique_well_formed_and_in_order() {
        let mut ids = BTreeSet::new();
        for r in RULES {
            assert!(
                r.id.len() == 6
                    && r.id.starts_with("FF")
                    && r.id[2..].bytes().all(|b| b.is_ascii_digit()),
                "{}",
                r.id
            );
            assert!(ids.insert(r.id), "{} twice", r.id);
        }
        let in_order: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        assert_eq!(in_order, ids.into_iter().collect::<Vec<_>>());
    }

    #[test]
    fn each_range_belongs_to_one_origin() {
        for r in RULES {
            let expected = match &r.id[..4] {
                "FF10" => Origin::Model,
                "FF15" => Origin::Construct,
                "FF20" | "FF30" | "FF31" | "FF40" => Origin::Validator,
                other => panic!("{}: no range {other}xx", r.id),
            };
            assert_eq!(r.origin, expected, "{}", r.id);
        }
    }

    #[test]
    fn every_rule_has_a_summary_a_name_and_an_aws_page() {
        let mut names = BTreeSet::new();
        for r in RULES {
            assert!(names.insert(r.name), "{} twice", r.name);
            assert!(
                !r.summary.is_empty() && !r.summary.contains('\n') && !r.summary.ends_with('.'),
                "{}: one line, no final period: {:?}",
                r.id,
                r.summary
            );
            assert!(
                r.doc_url.starts_with("https://docs.aws.amazon.com/")
                    && !r.doc_url.contains(char::is_whitespace)
                    && (r.doc_url.ends_with(".html") || r.doc_url.contains(".html#")),
                "{}: {}",
                r.id,
                r.doc_url
            );
        }
    }

    #[test]
    fn lookups_and_comparisons() {
        for r in RULES {
            assert_eq!(by_id(r.id), Some(r));
            // A diagnostic's id and its rule compare equal, both ways round.
            assert_eq!(r.id, *r);
            assert_eq!(*r, r.id);
        }
        assert_eq!(by_id("FF9999"), None);
        assert!("FF4001" == FARGATE_CPU_MEMORY && "FF4002" != FARGATE_CPU_MEMORY);
        assert_eq!(FARGATE_CPU_MEMORY.name, "FARGATE_CPU_MEMORY");
        assert_eq!(UNMANAGED_ROLE.severity, Severity::Warning);
        let validator: Vec<&str> = validator_rules().map(|r| r.id).collect();
        assert_eq!(validator.first(), Some(&"FF2000"));
        assert!(validator.iter().all(|id| !id.starts_with("FF1")));
        assert!(RULES.iter().any(|r| r.severity == Severity::Warning));
    }
}
