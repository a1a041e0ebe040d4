//! `TaskDefinition`: the task's size, platform, roles, logging and volumes; containers are
//! added with [`TaskDefinition::add_container`].

use std::fmt;

use crate::fns;
use crate::iam::{PolicyDocument, Principal, Statement};
use crate::model::asset::Platform;
use crate::model::handle::Handle;
use crate::model::stack::Stack;
use crate::model::value::Value;
use crate::resources::ecs::task_definition as td;
use crate::resources::{ecs, iam, logs};

use super::log::{LogTarget, TaskLogging, VALID_RETENTION_DAYS};
use super::repository::grant;
use super::{part_id, rules};
use crate::validate::{FARGATE_CPUS, fargate_hint, fargate_memory, fargate_valid};

/// A valid Fargate task size: CPU units and memory in MiB. Only the combinations Fargate
/// accepts can be built:
///
/// | CPU   | memory (MiB)                    |
/// |-------|---------------------------------|
/// | 256   | 512, 1024, 2048                 |
/// | 512   | 1024 to 4096, step 1024         |
/// | 1024  | 2048 to 8192, step 1024         |
/// | 2048  | 4096 to 16384, step 1024        |
/// | 4096  | 8192 to 30720, step 1024        |
/// | 8192  | 16384 to 61440, step 4096       |
/// | 16384 | 32768 to 122880, step 8192      |
///
/// [`FargateSize::new`] checks its pair at compile time, [`FargateSize::try_new`] at run
/// time, and the constants name the common sizes.
///
/// ```
/// use ferroform::ecs::FargateSize;
/// const WEB: FargateSize = FargateSize::new::<1024, 3072>();
/// assert_eq!((WEB.cpu(), WEB.memory_mib()), (1024, 3072));
/// assert_eq!(FargateSize::CPU_256_MEM_512.memory_mib(), 512);
/// let err = FargateSize::try_new(512, 512).unwrap_err();
/// assert_eq!(err.to_string(), "Fargate does not offer 512 MiB with 512 CPU units; valid memory: 1024, 2048, 3072, 4096 MiB");
/// ```
///
/// An invalid pair does not compile:
///
/// ```compile_fail
/// use ferroform::ecs::FargateSize;
/// const BAD: FargateSize = FargateSize::new::<256, 4096>();
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FargateSize {
    cpu: u32,
    memory: u32,
}

/// A [`FargateSize`] whose pair is checked at compile time, by `cargo check` as well as by a
/// build (it expands to a `const` item); an invalid pair names the memory sizes valid with
/// that CPU.
///
/// ```
/// use ferroform::fargate_size;
/// let web = fargate_size!(1024, 3072);
/// assert_eq!(web.memory_mib(), 3072);
/// ```
///
/// ```compile_fail
/// // error: Fargate: with 256 CPU units use 512, 1024 or 2048 MiB
/// let bad = ferroform::fargate_size!(256, 4096);
/// ```
#[macro_export]
macro_rules! fargate_size {
    ($cpu:expr, $memory:expr $(,)?) => {{
        const SIZE: $crate::ecs::FargateSize =
            $crate::ecs::FargateSize::new::<{ $cpu }, { $memory }>();
        SIZE
    }};
}

impl FargateSize {
    /// 0.25 vCPU, 0.5 GB.
    pub const CPU_256_MEM_512: FargateSize = FargateSize::new::<256, 512>();
    /// 0.25 vCPU, 1 GB.
    pub const CPU_256_MEM_1024: FargateSize = FargateSize::new::<256, 1024>();
    /// 0.5 vCPU, 1 GB.
    pub const CPU_512_MEM_1024: FargateSize = FargateSize::new::<512, 1024>();
    /// 0.5 vCPU, 2 GB.
    pub const CPU_512_MEM_2048: FargateSize = FargateSize::new::<512, 2048>();
    /// 1 vCPU, 2 GB.
    pub const CPU_1024_MEM_2048: FargateSize = FargateSize::new::<1024, 2048>();
    /// 1 vCPU, 4 GB.
    pub const CPU_1024_MEM_4096: FargateSize = FargateSize::new::<1024, 4096>();
    /// 2 vCPU, 4 GB.
    pub const CPU_2048_MEM_4096: FargateSize = FargateSize::new::<2048, 4096>();
    /// 2 vCPU, 8 GB.
    pub const CPU_2048_MEM_8192: FargateSize = FargateSize::new::<2048, 8192>();
    /// 4 vCPU, 8 GB.
    pub const CPU_4096_MEM_8192: FargateSize = FargateSize::new::<4096, 8192>();
    /// 4 vCPU, 16 GB.
    pub const CPU_4096_MEM_16384: FargateSize = FargateSize::new::<4096, 16384>();

    /// The size `CPU` units / `MEMORY` MiB; an invalid pair is a compile-time error that
    /// names the memory sizes valid with that CPU.
    ///
    /// Rust evaluates the check where the size is a constant: in a `const` item (as the
    /// constants above, or `const WEB: FargateSize = FargateSize::new::<1024, 3072>();`) or
    /// through [`crate::fargate_size!`], `cargo check` reports it too; in a `let`, only a
    /// build does (`cargo check` skips such checks).
    pub const fn new<const CPU: u32, const MEMORY: u32>() -> Self {
        const {
            if !fargate_valid(CPU, MEMORY) {
                panic!("{}", fargate_hint(CPU));
            }
        }
        FargateSize {
            cpu: CPU,
            memory: MEMORY,
        }
    }

    /// The size `cpu` units / `memory` MiB, or an error naming the valid memory sizes.
    pub fn try_new(cpu: u32, memory: u32) -> Result<Self, FargateSizeError> {
        if fargate_valid(cpu, memory) {
            return Ok(FargateSize { cpu, memory });
        }
        let valid = Self::valid_memory(cpu);
        if valid.is_empty() {
            Err(FargateSizeError::UnknownCpu { cpu })
        } else {
            Err(FargateSizeError::InvalidMemory { cpu, memory, valid })
        }
    }

    /// The memory sizes (MiB) Fargate offers with `cpu` units (empty for an unknown CPU).
    pub fn valid_memory(cpu: u32) -> Vec<u32> {
        fargate_memory(cpu).unwrap_or_default()
    }

    /// CPU units (1024 = 1 vCPU).
    pub const fn cpu(&self) -> u32 {
        self.cpu
    }

    /// Memory in MiB.
    pub const fn memory_mib(&self) -> u32 {
        self.memory
    }
}

/// A CPU/memory pair Fargate does not offer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FargateSizeError {
    /// The CPU value is not one of 256, 512, 1024, 2048, 4096, 8192, 16384.
    UnknownCpu {
        /// The CPU units asked for.
        cpu: u32,
    },
    /// The memory is not offered with this CPU.
    InvalidMemory {
        /// The CPU units asked for.
        cpu: u32,
        /// The memory asked for (MiB).
        memory: u32,
        /// The memory sizes offered with this CPU (MiB).
        valid: Vec<u32>,
    },
}

impl fmt::Display for FargateSizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FargateSizeError::UnknownCpu { cpu } => {
                let list: Vec<String> = FARGATE_CPUS.iter().map(u32::to_string).collect();
                write!(
                    f,
                    "Fargate does not offer {cpu} CPU units; valid: {}",
                    list.join(", ")
                )
            }
            FargateSizeError::InvalidMemory { cpu, memory, valid } => {
                let list: Vec<String> = valid.iter().map(u32::to_string).collect();
                write!(
                    f,
                    "Fargate does not offer {memory} MiB with {cpu} CPU units; valid memory: {} MiB",
                    list.join(", ")
                )
            }
        }
    }
}

impl std::error::Error for FargateSizeError {}

/// The CPU architecture the task's images are built for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CpuArchitecture {
    /// x86-64. The default.
    #[default]
    X86_64,
    /// 64-bit ARM (Graviton: about 20 % cheaper on Fargate for the same size).
    Arm64,
}

/// The network mode of a task on EC2 (Fargate tasks always use `awsvpc`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Ec2NetworkMode {
    /// Docker's bridge network; host ports are mapped (dynamically when a port mapping has
    /// no host port). The default on EC2, as in ECS.
    #[default]
    Bridge,
    /// The host's network stack: one task per port per instance.
    Host,
    /// Each task gets its own network interface and security group.
    Awsvpc,
}

/// The size of a Fargate task: a [`FargateSize`] checked when the program is built, or
/// values known at deploy time (a parameter, `Fn::FindInMap` of an environment's row...).
///
/// The validator checks sizes that are values too: it resolves each parameter's allowed
/// values and default, both branches of `Fn::If` and the mapping rows `Fn::FindInMap` can
/// reach, and reports every combination Fargate does not offer (FF4001), naming the
/// parameter values and mapping keys that give it.
///
/// ```
/// use ferroform::{Mapping, Parameter, Stack, fns};
/// use ferroform::ecs::{FargateSize, TaskSize};
/// let fixed: TaskSize = FargateSize::CPU_256_MEM_512.into();
/// let mut stack = Stack::new("Web");
/// let env = stack.parameter("Env", Parameter::string().allowed_values(["dev", "prod"]));
/// let sizes = stack.mapping("Sizes", Mapping::new()
///     .entry("dev", "Cpu", "256").entry("dev", "Memory", "512")
///     .entry("prod", "Cpu", "1024").entry("prod", "Memory", "2048"));
/// let from_env = TaskSize::values(
///     fns::find_in_map(&sizes, env.to_ref(), "Cpu"),
///     fns::find_in_map(&sizes, env.to_ref(), "Memory"),
/// );
/// # let _ = (fixed, from_env);
/// ```
#[derive(Clone, Debug)]
pub enum TaskSize {
    /// A pair checked at compile time (or with [`FargateSize::try_new`]).
    Fixed(FargateSize),
    /// CPU units and memory (MiB) as template values, e.g. `"1024"` / `"2048"`.
    Values {
        /// Task-level `Cpu`.
        cpu: Value<String>,
        /// Task-level `Memory`.
        memory: Value<String>,
    },
}

impl TaskSize {
    /// A size from template values (checked by the validator, see [`TaskSize`]).
    pub fn values(cpu: impl Into<Value<String>>, memory: impl Into<Value<String>>) -> Self {
        TaskSize::Values {
            cpu: cpu.into(),
            memory: memory.into(),
        }
    }
}

impl From<FargateSize> for TaskSize {
    fn from(size: FargateSize) -> Self {
        TaskSize::Fixed(size)
    }
}

/// Where the task's tasks run.
#[derive(Clone, Debug)]
pub enum Compatibility {
    /// Fargate, with its task size (network mode `awsvpc`).
    Fargate(TaskSize),
    /// EC2 container instances.
    Ec2 {
        /// Network mode.
        network_mode: Ec2NetworkMode,
        /// Task-level CPU units (optional on EC2; the containers' own limits apply).
        cpu: Option<u32>,
        /// Task-level memory in MiB (optional on EC2).
        memory_mib: Option<u32>,
    },
    /// Amazon ECS Managed Instances (network mode `awsvpc`), placed through a capacity
    /// provider strategy naming a [`super::ManagedInstancesCapacity`].
    ManagedInstances {
        /// Task-level CPU units.
        cpu: Option<u32>,
        /// Task-level memory in MiB.
        memory_mib: Option<u32>,
    },
}

/// The role the task's own code uses to call AWS.
#[derive(Clone, Debug, Default)]
pub enum TaskRole {
    /// No task role. The default: code in the task gets no AWS credentials unless you ask.
    /// A role is still created when something needs it (ECS Exec, EFS IAM authorization,
    /// [`TaskDefinition::add_task_role_statements`]).
    #[default]
    None,
    /// Create an empty task role (`<id>TaskRole`); grant it what the code needs.
    Create,
    /// Use this role of the stack.
    Existing(Handle<iam::Role>),
    /// Use a role made elsewhere, by ARN (a literal, parameter or import). ferroform cannot
    /// add permissions to it: what a construct would grant (ECS Exec, EFS, your
    /// [`TaskDefinition::add_task_role_statements`]) is reported as a warning (FF1502) naming
    /// the actions the role must allow.
    Arn(Value<String>),
}

/// A role of the task: one this app manages (permissions are added to it), or one made
/// elsewhere and given by ARN.
#[derive(Clone, Debug)]
enum RoleRef {
    Managed(Handle<iam::Role>),
    Arn(Value<String>),
}

impl RoleRef {
    fn arn(&self) -> Value<String> {
        match self {
            RoleRef::Managed(h) => h.attr_arn(),
            RoleRef::Arn(arn) => arn.clone(),
        }
    }

    fn handle(&self) -> Option<&Handle<iam::Role>> {
        match self {
            RoleRef::Managed(h) => Some(h),
            RoleRef::Arn(_) => None,
        }
    }

    /// Add `statements` as the policy `name`, or, for a role given by ARN, warn that the
    /// role must allow them (a permission is never dropped in silence).
    fn grant(
        &self,
        stack: &mut Stack,
        owner: &str,
        which: &str,
        name: &str,
        statements: Vec<Statement>,
    ) {
        match self {
            RoleRef::Managed(h) => grant(stack, h, name, statements),
            RoleRef::Arn(_) => {
                let mut actions: Vec<&str> = statements
                    .iter()
                    .flat_map(|s| s.actions().iter().map(String::as_str))
                    .collect();
                actions.sort_unstable();
                actions.dedup();
                stack.report_warning(
                    rules::UNMANAGED_ROLE,
                    Some(owner),
                    format!(
                        "the {which} role of `{owner}` is given by ARN, so ferroform cannot grant it `{name}`: {}",
                        actions.join(", ")
                    ),
                    "make sure the role allows these actions on the resources concerned, or let the construct create the role",
                );
            }
        }
    }
}

/// An EFS file system mounted as a task volume.
#[derive(Clone, Debug)]
pub struct EfsVolume {
    /// The volume name containers mount.
    pub name: String,
    /// The file system ID (`fs-...`).
    pub file_system_id: Value<String>,
    /// The directory of the file system to mount. Default: the root (ignored with an
    /// access point, which sets its own).
    pub root_directory: Option<Value<String>>,
    /// An access point ID (`fsap-...`). Default: none.
    pub access_point_id: Option<Value<String>>,
    /// Encrypt NFS traffic with TLS. Default: `true` (EFS data is otherwise sent in clear
    /// text on the network; IAM authorization and access points require it).
    pub transit_encryption: bool,
    /// Authorize with the task role (the role is granted `elasticfilesystem:ClientMount` and
    /// `ClientWrite` on this file system). Default: `false`.
    pub iam_authorization: bool,
}

impl EfsVolume {
    /// An EFS volume with the defaults above.
    pub fn new(name: impl Into<String>, file_system_id: impl Into<Value<String>>) -> Self {
        EfsVolume {
            name: name.into(),
            file_system_id: file_system_id.into(),
            root_directory: None,
            access_point_id: None,
            transit_encryption: true,
            iam_authorization: false,
        }
    }
}

/// A volume containers of the task can mount.
#[derive(Clone, Debug)]
pub enum TaskVolume {
    /// Task-scoped scratch space (a bind mount without a host path), deleted with the task:
    /// the writable paths of a container with a read-only root filesystem.
    Scratch(String),
    /// An EFS file system.
    Efs(EfsVolume),
    /// A directory of the EC2 host (EC2 only).
    Host {
        /// The volume name.
        name: String,
        /// The path on the host.
        source_path: Value<String>,
    },
    /// An Amazon EBS volume that ECS creates for each task when it starts, as the service
    /// running the task says ([`super::ManagedEbsVolume`]): one per task definition at most.
    ConfiguredAtLaunch(String),
}

impl TaskVolume {
    fn name(&self) -> &str {
        match self {
            TaskVolume::Scratch(name)
            | TaskVolume::Host { name, .. }
            | TaskVolume::ConfiguredAtLaunch(name) => name,
            TaskVolume::Efs(efs) => &efs.name,
        }
    }
}

/// The settings of a [`TaskDefinition`]. Start from [`TaskDefinitionProps::fargate`] or
/// [`TaskDefinitionProps::ec2`] and change what you need.
#[derive(Clone, Debug)]
pub struct TaskDefinitionProps {
    /// Fargate (with its size) or EC2 (with its network mode).
    pub compatibility: Compatibility,
    /// CPU architecture. Default: x86-64.
    pub cpu_architecture: CpuArchitecture,
    /// The family name. Default: none, CloudFormation derives one from the stack.
    pub family: Option<Value<String>>,
    /// The task role. Default: [`TaskRole::None`].
    pub task_role: TaskRole,
    /// The execution role, by ARN, when it is made elsewhere. Default: `None`, a role is
    /// created (`<id>ExecutionRole`) holding exactly what the task needs to start. A role
    /// given here must allow that itself: each grant the construct would add is reported as
    /// a warning (FF1502) with its actions.
    pub execution_role_arn: Option<Value<String>>,
    /// Container logging. Default: a new log group, 30 days' retention, retained on delete.
    pub logging: TaskLogging,
    /// The `awslogs-stream-prefix` of the containers' logs (streams are named
    /// `<prefix>/<container>/<task id>`). Default: the task definition's ID, which keeps
    /// each task definition's streams apart in a shared group.
    pub log_stream_prefix: Option<Value<String>>,
    /// Volumes. Default: none.
    pub volumes: Vec<TaskVolume>,
    /// Fargate ephemeral storage in GiB (21 to 200). Default: none (20 GiB).
    pub ephemeral_storage_gib: Option<u32>,
}

impl TaskDefinitionProps {
    /// A Fargate task of this size (a [`FargateSize`] or [`TaskSize::values`]), with the
    /// defaults above.
    pub fn fargate(size: impl Into<TaskSize>) -> Self {
        Self::with(Compatibility::Fargate(size.into()))
    }

    /// An EC2 task in this network mode, with the defaults above.
    pub fn ec2(network_mode: Ec2NetworkMode) -> Self {
        Self::with(Compatibility::Ec2 {
            network_mode,
            cpu: None,
            memory_mib: None,
        })
    }

    /// A task for Amazon ECS Managed Instances (awsvpc) of this size, with the defaults
    /// above.
    pub fn managed_instances(cpu: u32, memory_mib: u32) -> Self {
        Self::with(Compatibility::ManagedInstances {
            cpu: Some(cpu),
            memory_mib: Some(memory_mib),
        })
    }

    fn with(compatibility: Compatibility) -> Self {
        TaskDefinitionProps {
            compatibility,
            cpu_architecture: CpuArchitecture::X86_64,
            family: None,
            task_role: TaskRole::None,
            execution_role_arn: None,
            logging: TaskLogging::default(),
            log_stream_prefix: None,
            volumes: Vec::new(),
            ephemeral_storage_gib: None,
        }
    }
}

/// An ECS task definition with an execution role holding exactly what the task needs to
/// start (image pulls from its ECR repositories, log writes to its log group, the secrets
/// its containers read) — never the `AmazonECSTaskExecutionRolePolicy` managed policy,
/// whose statements name `"Resource": "*"`.
///
/// Logical IDs: the task definition is `id`; its parts are `<id>ExecutionRole`,
/// `<id>TaskRole` and `<id>Logs`.
///
/// ```
/// use ferroform::Stack;
/// use ferroform::ecs::{ContainerImage, ContainerProps, FargateSize, Repository, RepositoryProps,
///     TaskDefinition, TaskDefinitionProps};
/// let mut stack = Stack::new("Web");
/// let repo = Repository::new(&mut stack, "Repo", RepositoryProps::default());
/// let task = TaskDefinition::new(&mut stack, "WebTask",
///     TaskDefinitionProps::fargate(FargateSize::CPU_512_MEM_1024));
/// task.add_container(&mut stack, ContainerProps::new("web", ContainerImage::ecr(&repo, "v1")).port(8080));
/// let t = stack.to_template().unwrap();
/// let td = &t.body()["Resources"]["WebTask"]["Properties"];
/// assert_eq!(td["Cpu"], "512");
/// assert_eq!(td["ContainerDefinitions"][0]["PortMappings"][0]["ContainerPort"], 8080);
/// ```
#[derive(Clone, Debug)]
pub struct TaskDefinition {
    pub(crate) id: String,
    resource: Handle<ecs::TaskDefinition>,
    execution_role: RoleRef,
    task_role: Option<RoleRef>,
    log_group: Option<Handle<logs::LogGroup>>,
    pub(crate) log_target: Option<LogTarget>,
    pub(crate) log_stream_prefix: Value<String>,
    pub(crate) compatibility: Compatibility,
    /// The platform images built from source are built for (from `cpu_architecture`).
    pub(crate) platform: Platform,
}

impl TaskDefinition {
    /// Add the task definition, its execution role and (by default) its log group.
    pub fn new(stack: &mut Stack, id: &str, props: TaskDefinitionProps) -> Self {
        let execution_role = match props.execution_role_arn {
            Some(arn) => RoleRef::Arn(arn),
            None => RoleRef::Managed(stack.add(
                &part_id(id, "ExecutionRole"),
                iam::Role::new(PolicyDocument::assumed_by("ecs-tasks.amazonaws.com")),
            )),
        };

        let (log_group, log_target) = Self::make_log_group(stack, id, props.logging);
        if let Some(target) = &log_target {
            execution_role.grant(
                stack,
                id,
                "execution",
                "WriteLogs",
                vec![
                    Statement::allow(["logs:CreateLogStream", "logs:PutLogEvents"])
                        .resource(target.arn.clone()),
                ],
            );
        }

        let mut task = ecs::TaskDefinition::new()
            .execution_role_arn(execution_role.arn())
            .runtime_platform(
                td::RuntimePlatform::new()
                    .cpu_architecture(match props.cpu_architecture {
                        CpuArchitecture::X86_64 => td::CpuArchitecture::X86_64,
                        CpuArchitecture::Arm64 => td::CpuArchitecture::Arm64,
                    })
                    .operating_system_family(td::OperatingSystemFamily::Linux),
            )
            .container_definitions(Vec::<td::ContainerDefinition>::new());
        task = Self::sized(task, &props.compatibility);
        if let Some(family) = props.family {
            task = task.family(family);
        }
        if let Some(gib) = props.ephemeral_storage_gib {
            if !matches!(props.compatibility, Compatibility::Fargate(_))
                || !(21..=200).contains(&gib)
            {
                stack.report_error(
                    rules::INVALID_INPUT,
                    Some(id),
                    format!("ephemeral storage of {gib} GiB is not available"),
                    "ephemeral storage is a Fargate setting, from 21 to 200 GiB",
                );
            }
            task = task.ephemeral_storage(td::EphemeralStorage::new().size_in_gib(gib));
        }

        let is_fargate = matches!(props.compatibility, Compatibility::Fargate(_));
        let mut task_role = match props.task_role {
            TaskRole::None => None,
            TaskRole::Create => Some(RoleRef::Managed(create_task_role(stack, id))),
            TaskRole::Existing(role) => Some(RoleRef::Managed(role)),
            TaskRole::Arn(arn) => Some(RoleRef::Arn(arn)),
        };
        let (volumes, efs_grants) = Self::volumes(stack, id, &props.volumes, is_fargate);
        if !volumes.is_empty() {
            task = task.volumes(volumes);
        }
        if !efs_grants.is_empty() {
            let role =
                task_role.get_or_insert_with(|| RoleRef::Managed(create_task_role(stack, id)));
            role.grant(stack, id, "task", "MountEfs", efs_grants);
        }
        if let Some(role) = &task_role {
            task = task.task_role_arn(role.arn());
        }
        let resource = stack.add(id, task);
        TaskDefinition {
            id: id.to_owned(),
            resource,
            execution_role,
            task_role,
            log_group,
            log_target,
            log_stream_prefix: props.log_stream_prefix.unwrap_or_else(|| id.into()),
            compatibility: props.compatibility,
            platform: match props.cpu_architecture {
                CpuArchitecture::X86_64 => Platform::LinuxAmd64,
                CpuArchitecture::Arm64 => Platform::LinuxArm64,
            },
        }
    }

    /// The log group the task writes to: created (with its retention checked), given, or
    /// none; and where the awslogs driver sends the logs.
    pub(crate) fn make_log_group(
        stack: &mut Stack,
        id: &str,
        logging: TaskLogging,
    ) -> (Option<Handle<logs::LogGroup>>, Option<LogTarget>) {
        match logging {
            TaskLogging::Create(lg) => {
                if let Some(days) = lg.retention_days.as_lit()
                    && !VALID_RETENTION_DAYS.contains(days)
                {
                    stack.report_error(
                        rules::INVALID_INPUT,
                        Some(&part_id(id, "Logs")),
                        format!(
                            "{days} days is not a CloudWatch Logs retention period"
                        ),
                        "use 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653",
                    );
                }
                let mut group = logs::LogGroup::new().retention_in_days(lg.retention_days.clone());
                if let Some(name) = lg.name {
                    group = group.log_group_name(name);
                }
                let encrypted = lg.kms_key_arn.is_some();
                if let Some(key) = lg.kms_key_arn {
                    group = group.kms_key_id(key);
                }
                let h = stack.add(&part_id(id, "Logs"), group);
                if !encrypted {
                    stack.options(&h).checkov_skip(
                        "CKV_AWS_158",
                        "CloudWatch Logs encrypts at rest with its own keys; a customer-managed key costs about a dollar a month, so it is offered (LogGroupProps::kms_key_arn), not forced",
                    );
                }
                if lg.retain {
                    stack.options(&h).retain();
                }
                let target = LogTarget::of_handle(&h);
                (Some(h), Some(target))
            }
            TaskLogging::Existing(h) => {
                let target = LogTarget::of_handle(&h);
                (Some(h), Some(target))
            }
            TaskLogging::ExistingName(name) => (None, Some(LogTarget::of_name(name))),
            TaskLogging::Disabled => (None, None),
        }
    }

    /// Compatibility, network mode and size.
    fn sized(mut task: ecs::TaskDefinition, compatibility: &Compatibility) -> ecs::TaskDefinition {
        match compatibility {
            Compatibility::Fargate(size) => {
                let (cpu, memory): (Value<String>, Value<String>) = match size {
                    TaskSize::Fixed(size) => (
                        size.cpu().to_string().into(),
                        size.memory_mib().to_string().into(),
                    ),
                    TaskSize::Values { cpu, memory } => (cpu.clone(), memory.clone()),
                };
                task = task
                    .requires_compatibilities(vec![td::RequiresCompatibility::Fargate])
                    .network_mode(td::NetworkMode::Awsvpc)
                    .cpu(cpu)
                    .memory(memory);
            }
            &Compatibility::Ec2 {
                network_mode,
                cpu,
                memory_mib,
            } => {
                task = task
                    .requires_compatibilities(vec![td::RequiresCompatibility::Ec2])
                    .network_mode(match network_mode {
                        Ec2NetworkMode::Bridge => td::NetworkMode::Bridge,
                        Ec2NetworkMode::Host => td::NetworkMode::Host,
                        Ec2NetworkMode::Awsvpc => td::NetworkMode::Awsvpc,
                    });
                if let Some(cpu) = cpu {
                    task = task.cpu(cpu.to_string());
                }
                if let Some(memory) = memory_mib {
                    task = task.memory(memory.to_string());
                }
            }
            &Compatibility::ManagedInstances { cpu, memory_mib } => {
                task = task
                    .requires_compatibilities(vec![td::RequiresCompatibility::ManagedInstances])
                    .network_mode(td::NetworkMode::Awsvpc);
                if let Some(cpu) = cpu {
                    task = task.cpu(cpu.to_string());
                }
                if let Some(memory) = memory_mib {
                    task = task.memory(memory.to_string());
                }
            }
        }
        task
    }

    /// The task's volumes, and the statements EFS volumes with IAM authorization need on
    /// the task role.
    fn volumes(
        stack: &mut Stack,
        id: &str,
        volumes_in: &[TaskVolume],
        is_fargate: bool,
    ) -> (Vec<td::Volume>, Vec<Statement>) {
        let mut volumes = Vec::new();
        let mut efs_grants = Vec::new();
        for (i, volume) in volumes_in.iter().enumerate() {
            if volumes_in[..i].iter().any(|v| v.name() == volume.name()) {
                stack.report_error(
                    rules::INVALID_INPUT,
                    Some(id),
                    format!("volume `{}` is defined twice", volume.name()),
                    "give each volume its own name",
                );
            }
            let v = match volume {
                TaskVolume::Scratch(name) => td::Volume::new().name(name),
                TaskVolume::ConfiguredAtLaunch(name) => {
                    td::Volume::new().name(name).configured_at_launch(true)
                }
                TaskVolume::Host { name, source_path } => {
                    if is_fargate {
                        stack.report_error(
                            rules::INVALID_INPUT,
                            Some(id),
                            format!("host volume `{name}` on a Fargate task"),
                            "Fargate tasks cannot mount host paths: use a scratch or EFS volume",
                        );
                    }
                    td::Volume::new()
                        .name(name)
                        .host(td::HostVolumeProperties::new().source_path(source_path.clone()))
                }
                TaskVolume::Efs(efs) => {
                    if !efs.transit_encryption
                        && (efs.iam_authorization || efs.access_point_id.is_some())
                    {
                        stack.report_error(
                            rules::INVALID_INPUT,
                            Some(id),
                            format!(
                                "EFS volume `{}` uses IAM authorization or an access point without transit encryption",
                                efs.name
                            ),
                            "EFS requires transit encryption with IAM authorization and access points: keep `transit_encryption: true`",
                        );
                    }
                    let mut cfg = td::EfsVolumeConfiguration::new(efs.file_system_id.clone())
                        .transit_encryption(if efs.transit_encryption {
                            td::TransitEncryption::Enabled
                        } else {
                            td::TransitEncryption::Disabled
                        });
                    if let Some(dir) = &efs.root_directory {
                        cfg = cfg.root_directory(dir.clone());
                    }
                    if efs.access_point_id.is_some() || efs.iam_authorization {
                        let mut auth =
                            td::AuthorizationConfig::new().iam(if efs.iam_authorization {
                                td::AuthorizationConfigIam::Enabled
                            } else {
                                td::AuthorizationConfigIam::Disabled
                            });
                        if let Some(ap) = &efs.access_point_id {
                            auth = auth.access_point_id(ap.clone());
                        }
                        cfg = cfg.authorization_config(auth);
                    }
                    if efs.iam_authorization {
                        efs_grants.push(
                            Statement::allow([
                                "elasticfilesystem:ClientMount",
                                "elasticfilesystem:ClientWrite",
                            ])
                            .resource(fns::sub_with(
                                "arn:${AWS::Partition}:elasticfilesystem:${AWS::Region}:${AWS::AccountId}:file-system/${Id}",
                                [("Id", efs.file_system_id.clone())],
                            )),
                        );
                    }
                    td::Volume::new()
                        .name(efs.name.clone())
                        .efs_volume_configuration(cfg)
                }
            };
            volumes.push(v);
        }
        (volumes, efs_grants)
    }

    /// The underlying `AWS::ECS::TaskDefinition` (escape hatch).
    pub fn resource(&self) -> &Handle<ecs::TaskDefinition> {
        &self.resource
    }

    /// The execution role (used by ECS to start the task); `None` when it was given by ARN
    /// ([`TaskDefinitionProps::execution_role_arn`]).
    pub fn execution_role(&self) -> Option<&Handle<iam::Role>> {
        self.execution_role.handle()
    }

    /// The execution role's ARN.
    pub fn execution_role_arn(&self) -> Value<String> {
        self.execution_role.arn()
    }

    /// Add an inline policy named `policy_name` to the execution role: what ECS itself needs
    /// beyond what the constructs grant (a private registry's credentials, a KMS key for
    /// secrets...). Grants under one name merge. With a role given by ARN this is a warning
    /// (FF1502) naming the actions the role must allow.
    ///
    /// ```
    /// use ferroform::Stack;
    /// use ferroform::ecs::{FargateSize, TaskDefinition, TaskDefinitionProps};
    /// use ferroform::iam::Statement;
    /// let mut stack = Stack::new("Web");
    /// let task = TaskDefinition::new(&mut stack, "Task", TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512));
    /// task.add_execution_role_statements(&mut stack, "DecryptSecrets", vec![
    ///     Statement::allow(["kms:Decrypt"]).resource("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
    /// ]);
    /// assert!(stack.to_template().unwrap().to_json().contains("DecryptSecrets"));
    /// ```
    pub fn add_execution_role_statements(
        &self,
        stack: &mut Stack,
        policy_name: &str,
        statements: Vec<Statement>,
    ) {
        self.grant_execution(stack, policy_name, statements);
    }

    /// Add the policy `name` to the execution role, or warn (FF1502) when the role was given
    /// by ARN.
    pub(crate) fn grant_execution(
        &self,
        stack: &mut Stack,
        name: &str,
        statements: Vec<Statement>,
    ) {
        self.execution_role
            .grant(stack, &self.id, "execution", name, statements);
    }

    /// The task role given or created at construction, if the stack manages it (a role
    /// created later, for ECS Exec say, is found with [`TaskDefinition::ensure_task_role`]).
    pub fn task_role(&self) -> Option<&Handle<iam::Role>> {
        self.task_role.as_ref().and_then(RoleRef::handle)
    }

    /// The log group created or given, if it is a resource of the stack.
    pub fn log_group(&self) -> Option<&Handle<logs::LogGroup>> {
        self.log_group.as_ref()
    }

    /// The task definition ARN (its `Ref`).
    pub fn arn(&self) -> Value<String> {
        self.resource.to_ref()
    }

    /// True for a task whose network mode is `awsvpc` (every Fargate task).
    pub fn is_awsvpc(&self) -> bool {
        matches!(
            self.compatibility,
            Compatibility::Fargate(_)
                | Compatibility::ManagedInstances { .. }
                | Compatibility::Ec2 {
                    network_mode: Ec2NetworkMode::Awsvpc,
                    ..
                }
        )
    }

    /// True for a Fargate task definition.
    pub fn is_fargate(&self) -> bool {
        matches!(self.compatibility, Compatibility::Fargate(_))
    }

    /// Whether the task definition is for Amazon ECS Managed Instances.
    pub fn is_managed_instances(&self) -> bool {
        matches!(self.compatibility, Compatibility::ManagedInstances { .. })
    }

    /// The task role, created (`<id>TaskRole`) and set on the task definition if it has
    /// none yet.
    ///
    /// `None` when the task role was given by ARN ([`TaskRole::Arn`]): it cannot be changed
    /// here.
    pub fn ensure_task_role(&self, stack: &mut Stack) -> Option<Handle<iam::Role>> {
        match &self.task_role {
            Some(RoleRef::Managed(role)) => return Some(role.clone()),
            Some(RoleRef::Arn(_)) => return None,
            None => {}
        }
        // Found under its final logical ID, so that a pinned ID (override_logical_id) does not
        // make a second role.
        let id = stack.final_id(&part_id(&self.id, "TaskRole")).to_owned();
        let existing = Handle::<iam::Role>::new(stack.id(), id.into());
        if stack.get(&existing).is_some() {
            return Some(existing);
        }
        let role = create_task_role(stack, &self.id);
        if let Some(task) = stack.get_mut(&self.resource) {
            task.task_role_arn = Some(role.attr_arn());
        }
        Some(role)
    }

    /// Add the policy `name` to the task role (created if needed), or warn (FF1502) when the
    /// task role was given by ARN.
    pub(crate) fn grant_task(&self, stack: &mut Stack, name: &str, statements: Vec<Statement>) {
        match &self.task_role {
            Some(role @ RoleRef::Arn(_)) => role.grant(stack, &self.id, "task", name, statements),
            _ => {
                if let Some(role) = self.ensure_task_role(stack) {
                    grant(stack, &role, name, statements);
                }
            }
        }
    }

    /// Add an inline policy named `policy_name` to the task role (created if needed): what
    /// the task's code may do.
    ///
    /// ```
    /// use ferroform::{Stack, fns};
    /// use ferroform::ecs::{FargateSize, TaskDefinition, TaskDefinitionProps};
    /// use ferroform::iam::Statement;
    /// let mut stack = Stack::new("Worker");
    /// let task = TaskDefinition::new(&mut stack, "Task", TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512));
    /// task.add_task_role_statements(&mut stack, "ConsumeJobs", vec![
    ///     Statement::allow(["sqs:ReceiveMessage", "sqs:DeleteMessage"])
    ///         .resource(fns::sub("arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:jobs")),
    /// ]);
    /// assert!(stack.to_template().unwrap().to_json().contains("\"TaskRoleArn\""));
    /// ```
    pub fn add_task_role_statements(
        &self,
        stack: &mut Stack,
        policy_name: &str,
        statements: Vec<Statement>,
    ) {
        self.grant_task(stack, policy_name, statements);
    }
}

/// The task role: assumable by ECS tasks of this account only (the confused-deputy guard
/// AWS recommends for task roles).
fn create_task_role(stack: &mut Stack, id: &str) -> Handle<iam::Role> {
    let trust = PolicyDocument::new().statement(
        Statement::allow(["sts:AssumeRole"])
            .principal(Principal::Service("ecs-tasks.amazonaws.com".into()))
            .condition(serde_json::json!({
                "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
            })),
    );
    stack.add(&part_id(id, "TaskRole"), iam::Role::new(trust))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue #10, 2: a size taken from a mapping is checked row by row at synth: the row
    /// Fargate does not offer is an error naming the parameter value and the mapping key.
    #[test]
    fn a_size_from_a_mapping_is_checked_for_every_row() {
        use crate::{App, Mapping, Parameter};
        let mut stack = Stack::new("S");
        let env = stack.parameter("Env", Parameter::string().allowed_values(["dev", "prod"]));
        let sizes = stack.mapping(
            "Sizes",
            Mapping::new()
                .entry("dev", "Cpu", "256")
                .entry("dev", "Memory", "512")
                .entry("prod", "Cpu", "512")
                .entry("prod", "Memory", "512"),
        );
        let task = TaskDefinition::new(
            &mut stack,
            "Task",
            TaskDefinitionProps::fargate(TaskSize::values(
                fns::find_in_map(&sizes, env.to_ref(), "Cpu"),
                fns::find_in_map(&sizes, env.to_ref(), "Memory"),
            )),
        );
        task.add_container(
            &mut stack,
            crate::ecs::ContainerProps::new("app", "busybox"),
        );
        let mut app = App::new();
        app.add(stack);
        let e = app.synth().unwrap_err();
        let found: Vec<(&str, &str, String)> = e
            .diagnostics
            .iter()
            .map(|d| (d.rule, d.path.as_str(), d.message.clone()))
            .collect();
        assert_eq!(found.len(), 1, "{e}");
        assert_eq!(
            (found[0].0, found[0].1),
            ("FF4001", "Task.Properties.Memory")
        );
        assert!(
            found[0].2.contains("Env = prod") && found[0].2.contains("mapping Sizes, key prod"),
            "{e}"
        );
    }

    /// Issue #10, 3: task and execution roles made elsewhere, by ARN: no role is created,
    /// the ARNs are used, and every permission a construct would have granted is a warning
    /// naming its actions (never dropped in silence).
    /// The role accessors and the execution role's own statements: a created execution
    /// role's ARN is its `Fn::GetAtt`, one given by ARN is that ARN; statements added under a
    /// name are that inline policy of the execution role (and only there); `TaskRole::Create`
    /// is the task role's handle.
    #[test]
    fn execution_role_statements_and_the_role_accessors() {
        use crate::model::render::{Render, RenderCx};
        let mut stack = Stack::new("S");
        let task = TaskDefinition::new(
            &mut stack,
            "Task",
            TaskDefinitionProps {
                task_role: TaskRole::Create,
                ..TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512)
            },
        );
        let key = "arn:aws:kms:eu-west-1:123456789012:key/k";
        task.add_execution_role_statements(
            &mut stack,
            "DecryptSecrets",
            vec![Statement::allow(["kms:Decrypt"]).resource(key)],
        );
        let mut cx = RenderCx::detached();
        assert_eq!(
            task.execution_role_arn().render(&mut cx),
            serde_json::json!({"Fn::GetAtt": ["TaskExecutionRole", "Arn"]})
        );
        let role = task
            .task_role()
            .expect("TaskRole::Create makes a task role");
        assert_eq!(
            role.to_ref().render(&mut cx),
            serde_json::json!({"Ref": "TaskTaskRole"})
        );
        let t = stack.to_template().unwrap();
        let r = &t.body()["Resources"];
        let policy = |role: &str, name: &str| {
            r[role]["Properties"]["Policies"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|p| p["PolicyName"] == name)
                .cloned()
        };
        let decrypt = policy("TaskExecutionRole", "DecryptSecrets").expect("the policy");
        assert_eq!(
            decrypt["PolicyDocument"]["Statement"],
            serde_json::json!([{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key}])
        );
        assert!(policy("TaskTaskRole", "DecryptSecrets").is_none());

        let mut stack = Stack::new("S");
        let given = TaskDefinition::new(
            &mut stack,
            "Task",
            TaskDefinitionProps {
                execution_role_arn: Some("arn:aws:iam::123456789012:role/exec".into()),
                ..TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512)
            },
        );
        assert_eq!(
            given.execution_role_arn().render(&mut cx),
            serde_json::json!("arn:aws:iam::123456789012:role/exec")
        );
    }

    #[test]
    fn roles_by_arn_are_used_and_missing_grants_are_warned_about() {
        use crate::ecs::{ContainerImage, ContainerProps, Repository};
        let mut stack = Stack::new("S");
        let repo = Repository::from_name("web");
        let task = TaskDefinition::new(
            &mut stack,
            "Task",
            TaskDefinitionProps {
                execution_role_arn: Some("arn:aws:iam::123456789012:role/exec".into()),
                task_role: TaskRole::Arn("arn:aws:iam::123456789012:role/app".into()),
                ..TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512)
            },
        );
        task.add_container(
            &mut stack,
            ContainerProps::new("web", ContainerImage::ecr(&repo, "v1")),
        );
        task.add_task_role_statements(
            &mut stack,
            "Jobs",
            vec![
                Statement::allow(["sqs:ReceiveMessage"])
                    .resource("arn:aws:sqs:eu-west-1:123456789012:jobs"),
            ],
        );
        assert!(task.execution_role().is_none());
        assert!(task.ensure_task_role(&mut stack).is_none());
        let (json, diags) = stack.render_with_diagnostics();
        let r = json["Resources"].as_object().unwrap();
        assert!(
            !r.values().any(|x| x["Type"] == "AWS::IAM::Role"),
            "{:?}",
            r.keys()
        );
        assert_eq!(
            r["Task"]["Properties"]["ExecutionRoleArn"],
            "arn:aws:iam::123456789012:role/exec"
        );
        assert_eq!(
            r["Task"]["Properties"]["TaskRoleArn"],
            "arn:aws:iam::123456789012:role/app"
        );
        let warned: Vec<(crate::Severity, &str, String)> = diags
            .iter()
            .map(|d| (d.severity, d.rule, d.message.clone()))
            .collect();
        assert_eq!(warned.len(), 3, "{warned:?}");
        assert!(
            warned
                .iter()
                .all(|(s, r, _)| *s == crate::Severity::Warning && *r == "FF1502")
        );
        assert!(
            warned[0].2.contains("WriteLogs") && warned[0].2.contains("logs:PutLogEvents"),
            "{warned:?}"
        );
        assert!(
            warned[1].2.contains("PullImage") && warned[1].2.contains("ecr:BatchGetImage"),
            "{warned:?}"
        );
        assert!(
            warned[2].2.contains("task role") && warned[2].2.contains("sqs:ReceiveMessage"),
            "{warned:?}"
        );
        assert!(stack.to_template().is_ok(), "warnings do not stop synth");
    }

    /// Issue #10, 4: the awslogs stream prefix is an option (default: the task's ID).
    #[test]
    fn the_log_stream_prefix_is_an_option() {
        let mut stack = Stack::new("S");
        let task = TaskDefinition::new(
            &mut stack,
            "Task",
            TaskDefinitionProps {
                log_stream_prefix: Some("web".into()),
                ..TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512)
            },
        );
        task.add_container(
            &mut stack,
            crate::ecs::ContainerProps::new("app", "busybox"),
        );
        let t = stack.to_template().unwrap();
        let options = &t.body()["Resources"]["Task"]["Properties"]["ContainerDefinitions"][0]["LogConfiguration"]
            ["Options"];
        assert_eq!(options["awslogs-stream-prefix"], "web");

        // Issue #10, 2: the retention period takes a value (a parameter here).
        let mut stack = Stack::new("S");
        let days = stack.parameter("LogDays", crate::Parameter::number());
        let task = TaskDefinition::new(
            &mut stack,
            "Task",
            TaskDefinitionProps {
                logging: TaskLogging::Create(crate::ecs::LogGroupProps {
                    retention_days: days.to_ref().cast_expr().unwrap(),
                    ..Default::default()
                }),
                ..TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512)
            },
        );
        task.add_container(
            &mut stack,
            crate::ecs::ContainerProps::new("app", "busybox"),
        );
        let t = stack.to_template().unwrap();
        assert_eq!(
            t.body()["Resources"]["TaskLogs"]["Properties"]["RetentionInDays"],
            serde_json::json!({"Ref": "LogDays"})
        );
    }

    /// Issue #10, 5: a second grant under one policy name adds its statements (once each, in
    /// order) instead of being dropped, and a pinned task-role ID does not make a second role.
    #[test]
    fn grants_merge_and_a_pinned_task_role_is_reused() {
        let mut stack = Stack::new("S");
        stack.override_logical_id("TaskTaskRole", "LegacyRole");
        let task = TaskDefinition::new(
            &mut stack,
            "Task",
            TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512),
        );
        let read = || {
            Statement::allow(["sqs:ReceiveMessage"])
                .resource("arn:aws:sqs:eu-west-1:123456789012:jobs")
        };
        let delete = || {
            Statement::allow(["sqs:DeleteMessage"])
                .resource("arn:aws:sqs:eu-west-1:123456789012:jobs")
        };
        task.add_task_role_statements(&mut stack, "Jobs", vec![read()]);
        task.add_task_role_statements(&mut stack, "Jobs", vec![delete(), read()]);
        task.add_task_role_statements(&mut stack, "Other", vec![read()]);
        let t = stack.to_template().unwrap();
        let r = &t.body()["Resources"];
        assert!(r.get("TaskTaskRole").is_none());
        let policies = r["LegacyRole"]["Properties"]["Policies"]
            .as_array()
            .unwrap();
        assert_eq!(policies.len(), 2);
        assert_eq!(policies[0]["PolicyName"], "Jobs");
        let actions: Vec<&serde_json::Value> = policies[0]["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| &s["Action"])
            .collect();
        assert_eq!(
            actions,
            // A single action is written as a string, as IAM reads it.
            ["sqs:ReceiveMessage", "sqs:DeleteMessage"]
        );
        assert_eq!(
            r["Task"]["Properties"]["TaskRoleArn"],
            serde_json::json!({"Fn::GetAtt": ["LegacyRole", "Arn"]})
        );
    }

    #[test]
    fn fargate_table_matches_the_documented_combinations() {
        // From the AWS Fargate task size table.
        let expected_counts = [
            (256, 3),
            (512, 4),
            (1024, 7),
            (2048, 13),
            (4096, 23),
            (8192, 12),
            (16384, 12),
        ];
        for (cpu, n) in expected_counts {
            assert_eq!(FargateSize::valid_memory(cpu).len(), n, "cpu {cpu}");
        }
        assert!(FargateSize::try_new(256, 512).is_ok());
        assert!(FargateSize::try_new(256, 1536).is_err());
        assert!(FargateSize::try_new(4096, 30720).is_ok());
        assert!(FargateSize::try_new(4096, 31744).is_err());
        assert!(FargateSize::try_new(8192, 20480).is_ok());
        assert!(FargateSize::try_new(8192, 17408).is_err());
        assert!(FargateSize::try_new(16384, 122880).is_ok());
        assert!(FargateSize::try_new(16384, 36864).is_err());
        assert_eq!(
            FargateSize::try_new(300, 512),
            Err(FargateSizeError::UnknownCpu { cpu: 300 })
        );
        match FargateSize::try_new(256, 4096) {
            Err(FargateSizeError::InvalidMemory { valid, .. }) => {
                assert_eq!(valid, vec![512, 1024, 2048]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn fargate_task_renders_size_platform_and_roles() {
        let mut stack = Stack::new("S");
        let task = TaskDefinition::new(
            &mut stack,
            "Task",
            TaskDefinitionProps {
                cpu_architecture: CpuArchitecture::Arm64,
                ..TaskDefinitionProps::fargate(FargateSize::new::<2048, 5120>())
            },
        );
        let t = stack.to_template().unwrap();
        let r = &t.body()["Resources"];
        let p = &r["Task"]["Properties"];
        assert_eq!(p["Cpu"], "2048");
        assert_eq!(p["Memory"], "5120");
        assert_eq!(p["NetworkMode"], "awsvpc");
        assert_eq!(p["RequiresCompatibilities"], serde_json::json!(["FARGATE"]));
        assert_eq!(p["RuntimePlatform"]["CpuArchitecture"], "ARM64");
        assert_eq!(
            p["ExecutionRoleArn"],
            serde_json::json!({"Fn::GetAtt": ["TaskExecutionRole", "Arn"]})
        );
        assert!(p.get("TaskRoleArn").is_none(), "no task role unless asked");
        assert!(task.task_role().is_none());
        // The log group: 30 days, retained.
        assert_eq!(r["TaskLogs"]["Properties"]["RetentionInDays"], 30);
        assert_eq!(r["TaskLogs"]["DeletionPolicy"], "Retain");
        // The execution role: no managed policy, only the log write on the group.
        let role = &r["TaskExecutionRole"]["Properties"];
        assert!(role.get("ManagedPolicyArns").is_none());
        let s = &role["Policies"][0]["PolicyDocument"]["Statement"][0];
        assert_eq!(
            s["Action"],
            serde_json::json!(["logs:CreateLogStream", "logs:PutLogEvents"])
        );
        assert_eq!(
            s["Resource"],
            serde_json::json!({"Fn::GetAtt": ["TaskLogs", "Arn"]})
        );
    }

    #[test]
    fn ec2_bridge_task_and_efs_volume_defaults() {
        let mut stack = Stack::new("S");
        TaskDefinition::new(
            &mut stack,
            "Task",
            TaskDefinitionProps {
                volumes: vec![
                    TaskVolume::Efs(EfsVolume {
                        iam_authorization: true,
                        ..EfsVolume::new("data", "fs-12345678")
                    }),
                    TaskVolume::Scratch("tmp".into()),
                ],
                ..TaskDefinitionProps::ec2(Ec2NetworkMode::Bridge)
            },
        );
        let t = stack.to_template().unwrap();
        let r = &t.body()["Resources"];
        let p = &r["Task"]["Properties"];
        assert_eq!(p["NetworkMode"], "bridge");
        assert_eq!(p["RequiresCompatibilities"], serde_json::json!(["EC2"]));
        assert!(p.get("Cpu").is_none());
        let efs = &p["Volumes"][0]["EFSVolumeConfiguration"];
        assert_eq!(efs["TransitEncryption"], "ENABLED");
        assert_eq!(efs["AuthorizationConfig"]["IAM"], "ENABLED");
        assert_eq!(p["Volumes"][1], serde_json::json!({"Name": "tmp"}));
        // IAM authorization created a task role with the mount grant.
        assert_eq!(
            p["TaskRoleArn"],
            serde_json::json!({"Fn::GetAtt": ["TaskTaskRole", "Arn"]})
        );
        let s = &r["TaskTaskRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0];
        assert_eq!(
            s["Action"],
            serde_json::json!([
                "elasticfilesystem:ClientMount",
                "elasticfilesystem:ClientWrite"
            ])
        );
    }

    #[test]
    fn bad_input_is_reported_not_panicked() {
        let mut stack = Stack::new("S");
        TaskDefinition::new(
            &mut stack,
            "Task",
            TaskDefinitionProps {
                logging: TaskLogging::Create(super::super::LogGroupProps {
                    retention_days: 31.into(),
                    ..Default::default()
                }),
                volumes: vec![TaskVolume::Host {
                    name: "h".into(),
                    source_path: "/data".into(),
                }],
                ephemeral_storage_gib: Some(500),
                ..TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512)
            },
        );
        let err = stack.to_template().unwrap_err();
        assert_eq!(err.errors(), 3, "{err}");
        assert!(
            err.diagnostics
                .iter()
                .all(|d| d.rule == rules::INVALID_INPUT)
        );
    }
}
