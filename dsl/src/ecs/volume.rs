//! Amazon EBS volumes that ECS creates for each task of a service when it starts and deletes
//! when it stops ([`ManagedEbsVolume`]), with the infrastructure role ECS uses for them.
//!
//! The task definition names the volume ([`super::TaskVolume::ConfiguredAtLaunch`]) and its
//! containers mount it; the service says what the volume is. The validator checks the
//! settings against what EC2 and ECS accept (FF4050-FF4054).

use serde_json::json;

use crate::iam::Statement;
use crate::model::expr::fns;
use crate::model::handle::Handle;
use crate::model::stack::Stack;
use crate::model::value::Value;
use crate::resources::ecs::service as s;
use crate::resources::iam;

use super::Text;

/// An EBS volume type ([Amazon EBS volume types](https://docs.aws.amazon.com/ebs/latest/userguide/ebs-volume-types.html)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EbsVolumeType {
    /// General Purpose SSD, the current generation: 3,000 IOPS and 125 MiB/s at any size,
    /// more of either for a price. The default: the best price for most workloads.
    #[default]
    Gp3,
    /// General Purpose SSD, the previous generation (IOPS grow with size).
    Gp2,
    /// Provisioned IOPS SSD (needs `iops`).
    Io1,
    /// Provisioned IOPS SSD, higher durability (needs `iops`).
    Io2,
    /// Throughput Optimized HDD (125 GiB at least).
    St1,
    /// Cold HDD (125 GiB at least).
    Sc1,
    /// Magnetic, the previous generation (not on Fargate).
    Standard,
}

impl EbsVolumeType {
    /// The name EC2 uses (`gp3`...).
    pub fn as_str(self) -> &'static str {
        match self {
            EbsVolumeType::Gp3 => "gp3",
            EbsVolumeType::Gp2 => "gp2",
            EbsVolumeType::Io1 => "io1",
            EbsVolumeType::Io2 => "io2",
            EbsVolumeType::St1 => "st1",
            EbsVolumeType::Sc1 => "sc1",
            EbsVolumeType::Standard => "standard",
        }
    }
}

/// An Amazon EBS volume ECS creates for each task of a service (one per task), attached
/// where the task runs and deleted when the task stops: scratch space bigger or faster than
/// the task's ephemeral storage, or a copy of a snapshot for each task. The task definition
/// must have a volume of the same name configured at launch
/// ([`super::TaskVolume::ConfiguredAtLaunch`]), which its containers mount.
///
/// ```
/// use ferroform::{Parameter, Stack};
/// use ferroform::ecs::*;
///
/// let mut stack = Stack::new("Data");
/// let vpc = stack.parameter("VpcId", Parameter::aws("AWS::EC2::VPC::Id"));
/// let subnets = stack.parameter("Subnets", Parameter::aws_list("AWS::EC2::Subnet::Id"));
/// let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
/// let task = TaskDefinition::new(&mut stack, "Task", TaskDefinitionProps {
///     volumes: vec![TaskVolume::ConfiguredAtLaunch("data".into())],
///     ..TaskDefinitionProps::fargate(FargateSize::CPU_1024_MEM_2048)
/// });
/// task.add_container(&mut stack, ContainerProps {
///     mount_points: vec![MountPoint {
///         source_volume: "data".into(),
///         container_path: "/data".into(),
///         read_only: false,
///     }],
///     ..ContainerProps::new("worker", ContainerImage::registry("public.ecr.aws/docker/library/busybox:1.37"))
/// });
/// FargateService::new(&mut stack, "Worker", FargateServiceProps {
///     ebs_volume: Some(ManagedEbsVolume::new("data", 100)),
///     ..FargateServiceProps::new(&cluster, &task, ServiceNetworking::new(vpc.to_ref(), subnets.to_ref()))
/// });
/// let t = stack.to_template().unwrap();
/// let ebs = &t.body()["Resources"]["Worker"]["Properties"]["VolumeConfigurations"][0]["ManagedEBSVolume"];
/// assert_eq!(ebs["VolumeType"], "gp3");
/// assert_eq!(ebs["Encrypted"], true);
/// assert_eq!(ebs["RoleArn"]["Fn::GetAtt"][0], "WorkerVolumeRole");
/// ```
#[derive(Clone, Debug)]
pub struct ManagedEbsVolume {
    /// The task definition's volume configured at launch that this is.
    pub volume_name: String,
    /// The size in GiB (gp2/gp3 1-16,384; io1/io2 4-16,384; st1/sc1 125-16,384; standard
    /// 1-1,024). Default: none, which needs `snapshot_id` (the snapshot's size is used).
    pub size_gib: Option<Value<i64>>,
    /// A snapshot each task's volume starts as a copy of. Default: none (an empty volume).
    pub snapshot_id: Option<Value<String>>,
    /// The volume type. Default: [`EbsVolumeType::Gp3`].
    pub volume_type: EbsVolumeType,
    /// Provisioned IOPS (gp3 3,000-16,000; io1 100-64,000; io2 100-256,000; required for
    /// io1 and io2). Default: none (gp3's included 3,000).
    pub iops: Option<Value<i64>>,
    /// Throughput in MiB/s, gp3 only, at most 1,000. Default: none (gp3's included 125).
    pub throughput_mibps: Option<Value<i64>>,
    /// The KMS key (ARN) that encrypts the volumes. Volumes are always encrypted; default:
    /// none, so the account's default key for EBS (`aws/ebs`) is used. A key given here is
    /// granted to the infrastructure role made for the service (its key policy must allow
    /// the account's IAM policies to grant it, as the default key policy does).
    pub kms_key_arn: Option<Value<String>>,
    /// The file system. Default: none (ECS's default, xfs on Linux).
    pub filesystem: Option<s::FilesystemType>,
    /// The ECS infrastructure role that creates, attaches and deletes the volumes. Default:
    /// none, so the construct makes `<service>VolumeRole`, trusted by ECS, with the
    /// statements of AWS's `AmazonECSInfrastructureRolePolicyForVolumes` limited to this
    /// account and region (and to the snapshot and key given), rather than that managed
    /// policy itself.
    pub infrastructure_role_arn: Option<Value<String>>,
}

impl ManagedEbsVolume {
    /// A `size_gib` GiB gp3 volume, encrypted, for the task volume `volume_name`.
    pub fn new(volume_name: impl Into<String>, size_gib: impl Into<Value<i64>>) -> Self {
        ManagedEbsVolume {
            volume_name: volume_name.into(),
            size_gib: Some(size_gib.into()),
            snapshot_id: None,
            volume_type: EbsVolumeType::Gp3,
            iops: None,
            throughput_mibps: None,
            kms_key_arn: None,
            filesystem: None,
            infrastructure_role_arn: None,
        }
    }

    /// A copy of `snapshot_id` for each task, of the snapshot's size.
    pub fn from_snapshot(
        volume_name: impl Into<String>,
        snapshot_id: impl Into<Value<String>>,
    ) -> Self {
        ManagedEbsVolume {
            size_gib: None,
            snapshot_id: Some(snapshot_id.into()),
            ..ManagedEbsVolume::new(volume_name, 0)
        }
    }
}

/// The `VolumeConfigurations` entry of service `id` for `v`, making its infrastructure role
/// when none is given. `ec2`: the tasks run on EC2 instances of the account (the role then
/// attaches volumes to them).
pub(super) fn configuration(
    stack: &mut Stack,
    id: &str,
    v: &ManagedEbsVolume,
    ec2: bool,
) -> s::ServiceVolumeConfiguration {
    let mut ebs = s::ServiceManagedEbsVolumeConfiguration::new(role_arn(stack, id, v, ec2))
        .encrypted(true)
        .volume_type(v.volume_type.as_str())
        .tag_specifications(vec![
            s::EbsTagSpecification::new(s::ResourceType::Volume)
                .propagate_tags(s::PropagateTags::Service),
        ]);
    if let Some(size) = &v.size_gib {
        ebs = ebs.size_in_gib(size.clone());
    }
    if let Some(snapshot) = &v.snapshot_id {
        ebs = ebs.snapshot_id(snapshot.clone());
    }
    if let Some(iops) = &v.iops {
        ebs = ebs.iops(iops.clone());
    }
    if let Some(t) = &v.throughput_mibps {
        ebs = ebs.throughput(t.clone());
    }
    if let Some(key) = &v.kms_key_arn {
        ebs = ebs.kms_key_id(key.clone());
    }
    if let Some(fs) = &v.filesystem {
        ebs = ebs.filesystem_type(fs.clone());
    }
    s::ServiceVolumeConfiguration::new(v.volume_name.clone()).managed_ebs_volume(ebs)
}

/// Append `v` to `text` as `aws ecs run-task --volume-configurations` takes it (JSON; the
/// role made for task `id` when none is given).
pub(super) fn run_task_json(
    stack: &mut Stack,
    id: &str,
    v: &ManagedEbsVolume,
    ec2: bool,
    text: &mut Text,
) {
    text.push(format!(
        "[{{\"name\":{},\"managedEBSVolume\":{{\"encrypted\":true,\"volumeType\":\"{}\",\"roleArn\":\"",
        serde_json::Value::String(v.volume_name.clone()),
        v.volume_type.as_str()
    ));
    text.push(role_arn(stack, id, v, ec2));
    text.push("\"");
    for (key, n) in [
        ("sizeInGiB", &v.size_gib),
        ("iops", &v.iops),
        ("throughput", &v.throughput_mibps),
    ] {
        if let Some(n) = n {
            text.push(format!(",\"{key}\":"));
            text.number(n);
        }
    }
    for (key, s) in [("snapshotId", &v.snapshot_id), ("kmsKeyId", &v.kms_key_arn)] {
        if let Some(s) = s {
            text.push(format!(",\"{key}\":\""));
            text.push(s.clone());
            text.push("\"");
        }
    }
    if let Some(fs) = &v.filesystem {
        text.push(format!(",\"filesystemType\":\"{}\"", fs.as_str()));
    }
    text.push("}}]");
}

/// The infrastructure role's ARN: the one given, or `<id>VolumeRole`, made here.
fn role_arn(stack: &mut Stack, id: &str, v: &ManagedEbsVolume, ec2: bool) -> Value<String> {
    match &v.infrastructure_role_arn {
        Some(arn) => arn.clone(),
        None => role(stack, id, v, ec2).attr_arn(),
    }
}

/// `<id>VolumeRole`: what ECS needs to manage the volumes of service `id`, from AWS's
/// `AmazonECSInfrastructureRolePolicyForVolumes` (version 5), with volumes, tasks and
/// instances of this account and region only
/// (<https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonECSInfrastructureRolePolicyForVolumes.html>).
fn role(stack: &mut Stack, id: &str, v: &ManagedEbsVolume, ec2: bool) -> Handle<iam::Role> {
    let volumes =
        || fns::sub("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:volume/*");
    let tasks =
        json!({"Fn::Sub": "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task/*"});
    let mut statements = vec![
        Statement::allow(["ec2:CreateVolume"])
            .sid("CreateEBSManagedVolume")
            .resource(volumes())
            .condition(json!({
                "ArnLike": {"aws:RequestTag/AmazonECSCreated": tasks},
                "StringEquals": {"aws:RequestTag/AmazonECSManaged": "true"}
            })),
        Statement::allow(["ec2:CreateTags"])
            .sid("TagOnCreateVolume")
            .resource(volumes())
            .condition(json!({
                "ArnLike": {"aws:RequestTag/AmazonECSCreated": tasks},
                "StringEquals": {
                    "ec2:CreateAction": "CreateVolume",
                    "aws:RequestTag/AmazonECSManaged": "true"
                }
            })),
        // Describe actions support no resource-level permissions (IAM's service
        // authorization reference for EC2): "*" is what AWS requires.
        Statement::allow([
            "ec2:DescribeAvailabilityZones",
            "ec2:DescribeInstances",
            "ec2:DescribeVolumes",
        ])
        .sid("DescribeForLifecycle")
        .resource("*"),
        Statement::allow(["ec2:AttachVolume", "ec2:DetachVolume"])
            .sid("ManageEBSVolumeLifecycle")
            .resource(volumes())
            .condition(json!({"StringEquals": {"aws:ResourceTag/AmazonECSManaged": "true"}})),
        Statement::allow(["ec2:DeleteVolume"])
            .sid("DeleteEBSManagedVolume")
            .resource(volumes())
            .condition(json!({
                "ArnLike": {"aws:ResourceTag/AmazonECSCreated": tasks},
                "StringEquals": {"aws:ResourceTag/AmazonECSManaged": "true"}
            })),
    ];
    if ec2 {
        // Attaching to the account's container instances (Fargate's hosts are not the
        // account's).
        statements.push(
            Statement::allow(["ec2:AttachVolume", "ec2:DetachVolume"])
                .sid("ManageVolumeAttachmentsForEC2")
                .resource(fns::sub(
                    "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*",
                )),
        );
    }
    if let Some(snapshot) = &v.snapshot_id {
        statements.push(
            Statement::allow(["ec2:CreateVolume"])
                .sid("CreateEBSManagedVolumeFromSnapshot")
                .resource(fns::sub_with(
                    "arn:${AWS::Partition}:ec2:${AWS::Region}::snapshot/${Snapshot}",
                    [("Snapshot", snapshot.clone())],
                )),
        );
    }
    if let Some(key) = &v.kms_key_arn {
        // What EBS encryption with a customer managed key needs of the caller
        // (<https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption-requirements.html>);
        // grants only for AWS resources (the volumes).
        statements.push(
            Statement::allow(["kms:CreateGrant"])
                .sid("GrantTheKeyToTheVolumes")
                .resource(key.clone())
                .condition(json!({"Bool": {"kms:GrantIsForAWSResource": "true"}})),
        );
        statements.push(
            Statement::allow([
                "kms:Decrypt",
                "kms:DescribeKey",
                "kms:GenerateDataKeyWithoutPlaintext",
                "kms:ReEncryptFrom",
                "kms:ReEncryptTo",
            ])
            .sid("EncryptTheVolumes")
            .resource(key.clone()),
        );
    }
    super::ecs_role(stack, id, "VolumeRole", "ManageTaskVolumes", statements)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecs::{
        Cluster, ClusterProps, Ec2Service, Ec2ServiceProps, FargateSize, TaskDefinitionProps,
        TaskVolume,
    };
    use serde_json::Value as Json;

    /// The template of a stack with one service (Fargate, or EC2 when `ec2`) whose tasks get
    /// `v`.
    fn synth(v: ManagedEbsVolume, ec2: bool) -> Json {
        let mut stack = Stack::new("S");
        let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
        let volumes = vec![TaskVolume::ConfiguredAtLaunch("data".into())];
        if ec2 {
            let task = crate::ecs::TaskDefinition::new(
                &mut stack,
                "Task",
                TaskDefinitionProps {
                    volumes,
                    ..TaskDefinitionProps::ec2(crate::ecs::Ec2NetworkMode::Bridge)
                },
            );
            Ec2Service::new(
                &mut stack,
                "Svc",
                Ec2ServiceProps {
                    ebs_volume: Some(v),
                    ..Ec2ServiceProps::new(&cluster, &task)
                },
            );
        } else {
            let task = crate::ecs::TaskDefinition::new(
                &mut stack,
                "Task",
                TaskDefinitionProps {
                    volumes,
                    ..TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512)
                },
            );
            crate::ecs::FargateService::new(
                &mut stack,
                "Svc",
                crate::ecs::FargateServiceProps {
                    ebs_volume: Some(v),
                    ..crate::ecs::FargateServiceProps::new(
                        &cluster,
                        &task,
                        crate::ecs::ServiceNetworking::new(
                            "vpc-12345678",
                            fns::split(",", "subnet-12345678"),
                        ),
                    )
                },
            );
        }
        stack.to_template().unwrap().body().clone()
    }

    fn sids(t: &Json) -> Vec<String> {
        t["Resources"]["SvcVolumeRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["Sid"].as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn the_volume_is_encrypted_gp3_and_its_role_is_scoped() {
        let t = synth(ManagedEbsVolume::new("data", 50), false);
        let cfg = &t["Resources"]["Svc"]["Properties"]["VolumeConfigurations"][0];
        assert_eq!(cfg["Name"], "data");
        let ebs = &cfg["ManagedEBSVolume"];
        assert_eq!(ebs["SizeInGiB"], 50);
        assert_eq!(ebs["VolumeType"], "gp3");
        assert_eq!(ebs["Encrypted"], true);
        assert_eq!(
            ebs["TagSpecifications"],
            serde_json::json!([{"ResourceType": "volume", "PropagateTags": "SERVICE"}])
        );
        assert_eq!(
            ebs["RoleArn"],
            serde_json::json!({"Fn::GetAtt": ["SvcVolumeRole", "Arn"]})
        );
        let role = &t["Resources"]["SvcVolumeRole"]["Properties"];
        assert_eq!(
            role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
            "ecs.amazonaws.com"
        );
        // Fargate: no statement on the account's instances, no snapshot, no key.
        assert_eq!(
            sids(&t),
            vec![
                "CreateEBSManagedVolume",
                "TagOnCreateVolume",
                "DescribeForLifecycle",
                "ManageEBSVolumeLifecycle",
                "DeleteEBSManagedVolume"
            ]
        );
        let st = &role["Policies"][0]["PolicyDocument"]["Statement"];
        assert_eq!(
            st[0]["Resource"],
            serde_json::json!({"Fn::Sub": "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:volume/*"})
        );
        assert_eq!(
            st[0]["Condition"]["StringEquals"]["aws:RequestTag/AmazonECSManaged"],
            "true"
        );
        assert_eq!(st[4]["Action"], "ec2:DeleteVolume");
        assert_eq!(
            st[4]["Condition"]["StringEquals"]["aws:ResourceTag/AmazonECSManaged"],
            "true"
        );
    }

    #[test]
    fn ec2_snapshots_and_keys_add_exactly_their_statements() {
        let v = ManagedEbsVolume {
            kms_key_arn: Some("arn:aws:kms:eu-west-1:123456789012:key/abc".into()),
            ..ManagedEbsVolume::from_snapshot("data", "snap-0123456789abcdef0")
        };
        let t = synth(v, true);
        let ebs =
            &t["Resources"]["Svc"]["Properties"]["VolumeConfigurations"][0]["ManagedEBSVolume"];
        assert_eq!(ebs["SnapshotId"], "snap-0123456789abcdef0");
        assert!(ebs.get("SizeInGiB").is_none(), "{ebs}");
        assert_eq!(
            ebs["KmsKeyId"],
            "arn:aws:kms:eu-west-1:123456789012:key/abc"
        );
        assert_eq!(
            sids(&t)[5..],
            [
                "ManageVolumeAttachmentsForEC2",
                "CreateEBSManagedVolumeFromSnapshot",
                "GrantTheKeyToTheVolumes",
                "EncryptTheVolumes"
            ]
        );
        let st = &t["Resources"]["SvcVolumeRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"];
        assert_eq!(
            st[7]["Resource"],
            "arn:aws:kms:eu-west-1:123456789012:key/abc"
        );
        assert_eq!(
            st[7]["Condition"]["Bool"]["kms:GrantIsForAWSResource"],
            "true"
        );
        // A role given is used, and none is made.
        let t = synth(
            ManagedEbsVolume {
                infrastructure_role_arn: Some("arn:aws:iam::123456789012:role/infra".into()),
                ..ManagedEbsVolume::new("data", 10)
            },
            false,
        );
        assert!(t["Resources"].get("SvcVolumeRole").is_none());
        assert_eq!(
            t["Resources"]["Svc"]["Properties"]["VolumeConfigurations"][0]["ManagedEBSVolume"]["RoleArn"],
            "arn:aws:iam::123456789012:role/infra"
        );
    }

    #[test]
    fn every_volume_type_is_one_the_validator_knows() {
        for t in [
            EbsVolumeType::Gp3,
            EbsVolumeType::Gp2,
            EbsVolumeType::Io1,
            EbsVolumeType::Io2,
            EbsVolumeType::St1,
            EbsVolumeType::Sc1,
            EbsVolumeType::Standard,
        ] {
            assert!(
                crate::validate::ebs_volume_types().contains(&t.as_str()),
                "{}",
                t.as_str()
            );
        }
    }
}
