//! Containers of a task definition: [`ContainerProps`] and [`TaskDefinition::add_container`].

use crate::iam::Statement;
use crate::model::stack::Stack;
use crate::model::value::{ListProperty, Value};
use crate::pseudo;
use crate::resources::ecs::task_definition as td;

use super::image::ContainerImage;
use super::repository::Repository;
use super::secret::SecretSource;
use super::task_definition::TaskDefinition;
use super::{part_id, rules};

/// The transport protocol of a port mapping.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Protocol {
    /// TCP. The default.
    #[default]
    Tcp,
    /// UDP.
    Udp,
}

/// A port the container listens on.
///
/// A port is a number or any value (a parameter, `Fn::FindInMap`...): where a construct
/// opens a security group or points a target group at the container, it uses the same
/// value.
///
/// ```
/// use ferroform::ecs::PortMapping;
/// use ferroform::{Parameter, Stack};
/// let http = PortMapping::tcp(8080);
/// let dynamic = PortMapping::tcp(80).host_port(0); // bridge mode: any free host port
/// let mut stack = Stack::new("Web");
/// let port = stack.parameter("AppPort", Parameter::integer());
/// let from_parameter = PortMapping::tcp(port.to_ref());
/// # let _ = (http, dynamic, from_parameter);
/// ```
#[derive(Clone, Debug)]
pub struct PortMapping {
    /// The container's port (a number 0-65535, or a value).
    pub container_port: Value<i64>,
    /// The host port. Default: none (awsvpc and host modes use the container port; bridge
    /// mode picks a free port, which load balancers follow). `0` asks for a dynamic port.
    pub host_port: Option<Value<i64>>,
    /// Protocol. Default: TCP.
    pub protocol: Protocol,
    /// A name for Service Connect. Default: none.
    pub name: Option<String>,
    /// The application protocol Service Connect's proxy speaks on this port (HTTP, HTTP/2,
    /// gRPC): protocol-aware retries, per-request timeouts and metrics. Default: none (TCP).
    pub app_protocol: Option<td::AppProtocol>,
}

impl PortMapping {
    /// A TCP port.
    pub fn tcp(container_port: impl Into<Value<i64>>) -> Self {
        PortMapping {
            container_port: container_port.into(),
            host_port: None,
            protocol: Protocol::Tcp,
            name: None,
            app_protocol: None,
        }
    }

    /// A UDP port.
    pub fn udp(container_port: impl Into<Value<i64>>) -> Self {
        PortMapping {
            protocol: Protocol::Udp,
            ..Self::tcp(container_port)
        }
    }

    /// Set the host port.
    pub fn host_port(mut self, port: impl Into<Value<i64>>) -> Self {
        self.host_port = Some(port.into());
        self
    }

    /// Name the port for Service Connect, with the application protocol its proxy speaks.
    pub fn service_connect(mut self, name: impl Into<String>, protocol: td::AppProtocol) -> Self {
        self.name = Some(name.into());
        self.app_protocol = Some(protocol);
        self
    }
}

impl From<u16> for PortMapping {
    fn from(port: u16) -> Self {
        PortMapping::tcp(port)
    }
}

/// A container health check, run by the container agent inside the container.
///
/// ```
/// use ferroform::ecs::HealthCheck;
/// let mut hc = HealthCheck::shell("curl -fsS http://localhost:8080/health || exit 1");
/// assert_eq!(hc.interval_seconds.as_lit(), Some(&30));
/// hc.retries = 5.into(); // or a parameter's value
/// ```
///
/// The defaults are the ECS defaults (Amazon ECS API Reference, *HealthCheck*): a task
/// definition that leaves a setting out behaves the same.
#[derive(Clone, Debug)]
pub struct HealthCheck {
    /// The command: `["CMD", ...]` runs it directly, `["CMD-SHELL", "..."]` in a shell.
    pub command: Vec<String>,
    /// Seconds between checks (5 to 300). Default: 30.
    pub interval_seconds: Value<i64>,
    /// Seconds before a check fails (2 to 120). Default: 5.
    pub timeout_seconds: Value<i64>,
    /// Consecutive failures before the container is unhealthy (1 to 10). Default: 3.
    pub retries: Value<i64>,
    /// Grace period after start during which failures do not count (0 to 300).
    /// Default: none (0).
    pub start_period_seconds: Option<Value<i64>>,
}

impl HealthCheck {
    /// `["CMD-SHELL", command]` with the defaults above.
    pub fn shell(command: impl Into<String>) -> Self {
        Self::command(["CMD-SHELL".to_owned(), command.into()])
    }

    /// `["CMD", args...]` with the defaults above.
    pub fn exec<S: Into<String>>(args: impl IntoIterator<Item = S>) -> Self {
        Self::command(std::iter::once("CMD".to_owned()).chain(args.into_iter().map(Into::into)))
    }

    fn command(command: impl IntoIterator<Item = String>) -> Self {
        HealthCheck {
            command: command.into_iter().collect(),
            interval_seconds: 30.into(),
            timeout_seconds: 5.into(),
            retries: 3.into(),
            start_period_seconds: None,
        }
    }
}

/// When a dependency counts as satisfied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DependencyCondition {
    /// The other container has started.
    Start,
    /// The other container has exited (any exit code); it must not be essential.
    Complete,
    /// The other container has exited with code 0; it must not be essential.
    Success,
    /// The other container's health check passes.
    Healthy,
}

/// Start this container only once another one reaches a condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerDependency {
    /// The other container's name.
    pub container: String,
    /// The condition.
    pub condition: DependencyCondition,
}

/// A volume of the task mounted into the container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountPoint {
    /// The task volume's name.
    pub source_volume: String,
    /// Where it appears in the container.
    pub container_path: String,
    /// Mount read-only.
    pub read_only: bool,
}

/// The settings of one container. Start from [`ContainerProps::new`].
///
/// ```
/// use ferroform::ecs::{ContainerProps, HealthCheck, MountPoint, SecretSource};
/// let web = ContainerProps {
///     memory_limit_mib: Some(512),
///     health_check: Some(HealthCheck::shell("curl -fsS localhost:8080/health || exit 1")),
///     mount_points: vec![MountPoint { source_volume: "tmp".into(), container_path: "/tmp".into(), read_only: false }],
///     ..ContainerProps::new("web", "public.ecr.aws/docker/library/httpd:2.4")
/// }
/// .port(8080)
/// .env("LOG_LEVEL", "info")
/// .secret("API_KEY", SecretSource::ssm_parameter("/web/api-key"));
/// assert!(web.read_only_root_filesystem);
/// ```
#[derive(Clone, Debug)]
pub struct ContainerProps {
    /// The container name (unique in the task).
    pub name: String,
    /// The image.
    pub image: ContainerImage,
    /// CPU units reserved for the container. Default: none (shares the task's).
    pub cpu: Option<u32>,
    /// Hard memory limit in MiB: the container is killed above it. Default: none.
    pub memory_limit_mib: Option<u32>,
    /// Soft memory reservation in MiB. Default: none.
    pub memory_reservation_mib: Option<u32>,
    /// Ports. Default: none.
    pub port_mappings: Vec<PortMapping>,
    /// Environment variables (plain values; use `secrets` for anything sensitive).
    pub environment: Vec<(String, Value<String>)>,
    /// Environment variables read from Secrets Manager or SSM when the task starts; the
    /// execution role is granted read access to exactly these.
    pub secrets: Vec<(String, SecretSource)>,
    /// Health check. Default: none.
    pub health_check: Option<HealthCheck>,
    /// Containers that must reach a condition before this one starts. Default: none.
    pub depends_on: Vec<ContainerDependency>,
    /// The task stops when this container stops. Default: `true`.
    pub essential: bool,
    /// Mount the container's root filesystem read-only. Default: `true` — an attacker who
    /// gets code execution cannot replace binaries or plant files, and checkov (CKV_AWS_336)
    /// asks for it. AWS and CDK default to `false`; images that write outside their volumes
    /// (nginx's cache, `/tmp`) need a [`super::TaskVolume::Scratch`] volume mounted at each
    /// writable path, or this set to `false`.
    pub read_only_root_filesystem: bool,
    /// Resource limits (`nofile`...). Default: none.
    pub ulimits: Vec<td::Ulimit>,
    /// Task volumes mounted into the container. Default: none.
    pub mount_points: Vec<MountPoint>,
    /// Overrides the image's `CMD`. Default: none.
    pub command: Option<Vec<Value<String>>>,
    /// Overrides the image's `ENTRYPOINT`. Default: none.
    pub entry_point: Option<Vec<Value<String>>>,
    /// Seconds between SIGTERM and SIGKILL when the task stops (up to 120 on Fargate).
    /// Default: none (30).
    pub stop_timeout_seconds: Option<u32>,
    /// Send the container's output to the task's log group. Default: `true`.
    pub logging: bool,
}

impl ContainerProps {
    /// A container `name` running `image`, with the defaults above.
    pub fn new(name: impl Into<String>, image: impl Into<ContainerImage>) -> Self {
        ContainerProps {
            name: name.into(),
            image: image.into(),
            cpu: None,
            memory_limit_mib: None,
            memory_reservation_mib: None,
            port_mappings: Vec::new(),
            environment: Vec::new(),
            secrets: Vec::new(),
            health_check: None,
            depends_on: Vec::new(),
            essential: true,
            read_only_root_filesystem: true,
            ulimits: Vec::new(),
            mount_points: Vec::new(),
            command: None,
            entry_point: None,
            stop_timeout_seconds: None,
            logging: true,
        }
    }

    /// Add a TCP port (a number or a value).
    pub fn port(mut self, container_port: impl Into<Value<i64>>) -> Self {
        self.port_mappings.push(PortMapping::tcp(container_port));
        self
    }

    /// Add an environment variable.
    pub fn env(mut self, name: impl Into<String>, value: impl Into<Value<String>>) -> Self {
        self.environment.push((name.into(), value.into()));
        self
    }

    /// Add a secret environment variable.
    pub fn secret(mut self, name: impl Into<String>, source: SecretSource) -> Self {
        self.secrets.push((name.into(), source));
        self
    }
}

/// A container added to a task definition.
#[derive(Clone, Debug)]
pub struct Container {
    /// The container name.
    pub name: String,
    /// Its ports, in the order given.
    pub ports: Vec<PortMapping>,
}

impl TaskDefinition {
    /// Add a container. Grants the execution role what the container needs: pulling its
    /// ECR image, writing to the task's log group, reading its secrets.
    pub fn add_container(&self, stack: &mut Stack, props: ContainerProps) -> Container {
        self.check_container(stack, &props);
        let (image, repository) = props
            .image
            .resolve(stack, &self.id, &props.name, self.platform);
        let (definition, secret_statements) = self.container_definition(stack, &props, image);
        self.grant_container_access(stack, &props, repository.as_ref(), secret_statements);
        if let Some(task) = stack.get_mut(self.resource())
            && let Err(e) = task.container_definitions.push_item(definition)
        {
            let id = self.id.clone();
            stack.report_error(
                rules::INVALID_INPUT,
                Some(&id),
                format!("cannot add container `{}`: {e}", props.name),
                "leave ContainerDefinitions to add_container",
            );
        }
        Container {
            name: props.name,
            ports: props.port_mappings,
        }
    }

    /// What a container must agree with in its task: a unique name, no dependency on itself,
    /// volumes the task defines, awsvpc ports, Fargate's stop-timeout limit.
    fn check_container(&self, stack: &mut Stack, props: &ContainerProps) {
        let id = self.id.clone();
        let existing: Vec<String> = stack
            .get(self.resource())
            .and_then(|t| t.container_definitions.as_ref())
            .and_then(|l| l.as_lit())
            .map(|l| {
                l.iter()
                    .filter_map(|c| c.as_lit().and_then(|c| c.name.as_lit()).cloned())
                    .collect()
            })
            .unwrap_or_default();
        let volumes: Vec<String> = stack
            .get(self.resource())
            .and_then(|t| t.volumes.as_ref())
            .and_then(|l| l.as_lit())
            .map(|l| {
                l.iter()
                    .filter_map(|v| {
                        v.as_lit()
                            .and_then(|v| v.name.as_ref())
                            .and_then(|n| n.as_lit())
                            .cloned()
                    })
                    .collect()
            })
            .unwrap_or_default();
        let problem = |stack: &mut Stack, message: String, hint: &str| {
            stack.report_error(rules::INVALID_INPUT, Some(&id), message, hint);
        };
        if existing.contains(&props.name) {
            problem(
                stack,
                format!("container `{}` is added twice", props.name),
                "give each container of a task its own name",
            );
        }
        for dep in &props.depends_on {
            if dep.container == props.name {
                problem(
                    stack,
                    format!("container `{}` depends on itself", props.name),
                    "depend on another container of the task",
                );
            }
        }
        for mp in &props.mount_points {
            if !volumes.contains(&mp.source_volume) {
                problem(
                    stack,
                    format!(
                        "container `{}` mounts volume `{}`, which the task does not define",
                        props.name, mp.source_volume
                    ),
                    "add the volume to TaskDefinitionProps::volumes",
                );
            }
        }
        if self.is_awsvpc() {
            for pm in &props.port_mappings {
                // Two literals that differ; a value decided at deploy time is the
                // validator's to check (FF4008 resolves what it can).
                let literal = |v: &Value<i64>| v.as_lit().copied();
                if let (Some(host), Some(container)) = (
                    pm.host_port.as_ref().and_then(literal),
                    literal(&pm.container_port),
                ) && host != container
                {
                    problem(
                        stack,
                        format!(
                            "container `{}` maps host port {host} to container port {container} in awsvpc mode",
                            props.name,
                        ),
                        "in awsvpc mode the host port is the container port: leave host_port unset",
                    );
                }
            }
        }
        if self.is_fargate() && props.stop_timeout_seconds.is_some_and(|s| s > 120) {
            problem(
                stack,
                format!(
                    "container `{}` has a stop timeout above 120 seconds",
                    props.name
                ),
                "Fargate allows at most 120 seconds",
            );
        }
    }

    /// The container's definition, and the statements its secrets need on the execution role.
    fn container_definition(
        &self,
        stack: &mut Stack,
        props: &ContainerProps,
        image: Value<String>,
    ) -> (td::ContainerDefinition, Vec<Statement>) {
        let mut c = td::ContainerDefinition::new(td::ContainerDefinitionRequired {
            image,
            name: props.name.clone().into(),
        })
        .essential(props.essential)
        .readonly_root_filesystem(props.read_only_root_filesystem);
        if let Some(cpu) = props.cpu {
            c = c.cpu(cpu);
        }
        if let Some(m) = props.memory_limit_mib {
            c = c.memory(m);
        }
        if let Some(m) = props.memory_reservation_mib {
            c = c.memory_reservation(m);
        }
        if !props.port_mappings.is_empty() {
            let ports: Vec<td::PortMapping> = props
                .port_mappings
                .iter()
                .map(|p| {
                    let mut m = td::PortMapping::new()
                        .container_port(p.container_port.clone())
                        .protocol(match p.protocol {
                            Protocol::Tcp => td::PortMappingProtocol::Tcp,
                            Protocol::Udp => td::PortMappingProtocol::Udp,
                        });
                    if let Some(h) = &p.host_port {
                        m = m.host_port(h.clone());
                    }
                    if let Some(n) = &p.name {
                        m = m.name(n.clone());
                    }
                    if let Some(a) = &p.app_protocol {
                        m = m.app_protocol(a.clone());
                    }
                    m
                })
                .collect();
            c = c.port_mappings(ports);
        }
        if !props.environment.is_empty() {
            let env: Vec<td::KeyValuePair> = props
                .environment
                .iter()
                .map(|(k, v)| td::KeyValuePair::new().name(k.clone()).value(v.clone()))
                .collect();
            c = c.environment(env);
        }
        let mut secret_statements = Vec::new();
        if !props.secrets.is_empty() {
            let mut secrets = Vec::new();
            for (name, source) in &props.secrets {
                let (value_from, statements) = source.resolve(stack);
                secrets.push(td::Secret::new(td::SecretRequired {
                    name: name.into(),
                    value_from,
                }));
                secret_statements.extend(statements);
            }
            c = c.secrets(secrets);
        }
        if let Some(hc) = &props.health_check {
            let mut h = td::HealthCheck::new()
                .command(hc.command.clone())
                .interval(hc.interval_seconds.clone())
                .timeout(hc.timeout_seconds.clone())
                .retries(hc.retries.clone());
            if let Some(s) = &hc.start_period_seconds {
                h = h.start_period(s.clone());
            }
            c = c.health_check(h);
        }
        if !props.depends_on.is_empty() {
            let deps: Vec<td::ContainerDependency> = props
                .depends_on
                .iter()
                .map(|d| {
                    td::ContainerDependency::new()
                        .container_name(d.container.clone())
                        .condition(match d.condition {
                            DependencyCondition::Start => td::ContainerDependencyCondition::Start,
                            DependencyCondition::Complete => {
                                td::ContainerDependencyCondition::Complete
                            }
                            DependencyCondition::Success => {
                                td::ContainerDependencyCondition::Success
                            }
                            DependencyCondition::Healthy => {
                                td::ContainerDependencyCondition::Healthy
                            }
                        })
                })
                .collect();
            c = c.depends_on(deps);
        }
        if !props.ulimits.is_empty() {
            c = c.ulimits(props.ulimits.clone());
        }
        if !props.mount_points.is_empty() {
            let mps: Vec<td::MountPoint> = props
                .mount_points
                .iter()
                .map(|m| {
                    td::MountPoint::new()
                        .source_volume(m.source_volume.clone())
                        .container_path(m.container_path.clone())
                        .read_only(m.read_only)
                })
                .collect();
            c = c.mount_points(mps);
        }
        if let Some(cmd) = &props.command {
            c = c.command(cmd.clone());
        }
        if let Some(ep) = &props.entry_point {
            c = c.entry_point(ep.clone());
        }
        if let Some(s) = props.stop_timeout_seconds {
            c = c.stop_timeout(s);
        }
        if props.logging
            && let Some(target) = &self.log_target
        {
            c = c.log_configuration(td::LogConfiguration::new("awslogs").options([
                ("awslogs-group", target.name.clone()),
                ("awslogs-region", pseudo::region()),
                ("awslogs-stream-prefix", self.log_stream_prefix.clone()),
            ]));
        }
        (c, secret_statements)
    }

    /// Grant the execution role what the container needs: pulling its image from
    /// `repository` (when it is in ECR), reading its secrets.
    fn grant_container_access(
        &self,
        stack: &mut Stack,
        props: &ContainerProps,
        repository: Option<&Repository>,
        secret_statements: Vec<Statement>,
    ) {
        if let Some(repository) = repository {
            match self.execution_role() {
                Some(role) => {
                    let role = role.clone();
                    repository.grant_pull(stack, &role);
                    // ecr:GetAuthorizationToken has no resource-level permissions: `*` is the
                    // only resource AWS accepts for it.
                    stack.options(&role).checkov_skip(
                        "CKV_AWS_107",
                        "ecr:GetAuthorizationToken supports no resource-level permissions; the image actions are limited to the repository",
                    );
                }
                None => self.grant_execution(stack, "PullImage", repository.pull_statements()),
            }
        }
        if !secret_statements.is_empty() {
            self.grant_execution(
                stack,
                &part_id("ReadSecrets", &capitalized(&props.name)),
                secret_statements,
            );
        }
    }

    /// The first container with a port, and that port: where a load balancer sends traffic
    /// unless told otherwise.
    pub(crate) fn default_port(&self, stack: &Stack) -> Option<(String, Value<i64>)> {
        let list = stack
            .get(self.resource())?
            .container_definitions
            .as_ref()?
            .as_lit()?;
        list.iter().filter_map(|c| c.as_lit()).find_map(|c| {
            let name = c.name.as_lit()?.clone();
            let port = c
                .port_mappings
                .as_ref()?
                .as_lit()?
                .first()?
                .as_lit()?
                .container_port
                .clone()?;
            Some((name, port))
        })
    }
}

/// `web-api` → `Web-api` (for policy names: `ReadSecretsWeb-api` keeps only alphanumerics).
fn capitalized(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{FargateSize, Repository, RepositoryProps, TaskDefinitionProps, TaskVolume};
    use super::*;
    use crate::resources::secretsmanager;
    use serde_json::json;

    fn statements(role: &serde_json::Value) -> Vec<serde_json::Value> {
        role["Properties"]["Policies"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["PolicyDocument"]["Statement"].as_array().unwrap().clone())
            .collect()
    }

    /// `PortMapping::udp` maps a UDP port (without the protocol, ECS would take TCP); a host
    /// port is kept.
    #[test]
    fn udp_port_mappings_say_udp() {
        let mut stack = Stack::new("S");
        let _task = crate::ecs::test_task(
            &mut stack,
            "Task",
            ContainerProps {
                port_mappings: vec![PortMapping::udp(53).host_port(53), PortMapping::tcp(53)],
                ..ContainerProps::new("dns", ContainerImage::registry("example.com/dns:1"))
            },
        );
        let t = stack.to_template().unwrap();
        let ports =
            &t.body()["Resources"]["Task"]["Properties"]["ContainerDefinitions"][0]["PortMappings"];
        assert_eq!(
            ports,
            &json!([
                {"ContainerPort": 53, "HostPort": 53, "Protocol": "udp"},
                {"ContainerPort": 53, "Protocol": "tcp"}
            ])
        );
    }

    #[test]
    fn container_renders_and_grants_exactly_what_it_needs() {
        let mut stack = Stack::new("S");
        let repo = Repository::new(&mut stack, "Repo", RepositoryProps::default());
        let db = stack.add("Db", secretsmanager::Secret::new());
        let task = TaskDefinition::new(
            &mut stack,
            "Task",
            TaskDefinitionProps {
                volumes: vec![TaskVolume::Scratch("tmp".into())],
                ..TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512)
            },
        );
        task.add_container(
            &mut stack,
            ContainerProps {
                health_check: Some(HealthCheck::exec(["/bin/health"])),
                mount_points: vec![MountPoint {
                    source_volume: "tmp".into(),
                    container_path: "/tmp".into(),
                    read_only: false,
                }],
                depends_on: vec![ContainerDependency {
                    container: "init".into(),
                    condition: DependencyCondition::Success,
                }],
                ..ContainerProps::new("web", ContainerImage::ecr(&repo, "v1"))
            }
            .port(8080)
            .env("MODE", "prod")
            .secret(
                "DB_PASSWORD",
                SecretSource::secrets_manager(&db).json_key("password"),
            )
            .secret(
                "API_KEY",
                SecretSource::ssm_parameter("/web/api-key")
                    .kms_key("arn:aws:kms:eu-west-1:1:key/k"),
            ),
        );
        let t = stack.to_template().unwrap();
        let r = &t.body()["Resources"];
        let c = &r["Task"]["Properties"]["ContainerDefinitions"][0];
        assert_eq!(c["Name"], "web");
        assert_eq!(c["Essential"], true);
        assert_eq!(c["ReadonlyRootFilesystem"], true);
        assert_eq!(
            c["Image"],
            json!({"Fn::Join": [":", [{"Fn::GetAtt": ["Repo", "RepositoryUri"]}, "v1"]]})
        );
        assert_eq!(
            c["PortMappings"][0],
            json!({"ContainerPort": 8080, "Protocol": "tcp"})
        );
        assert_eq!(
            c["Environment"][0],
            json!({"Name": "MODE", "Value": "prod"})
        );
        assert_eq!(
            c["Secrets"][0]["ValueFrom"],
            json!({"Fn::Join": ["", [{"Ref": "Db"}, ":password::"]]})
        );
        assert_eq!(
            c["Secrets"][1]["ValueFrom"],
            json!({"Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/web/api-key"})
        );
        assert_eq!(c["HealthCheck"]["Command"], json!(["CMD", "/bin/health"]));
        assert_eq!(
            c["DependsOn"][0],
            json!({"Condition": "SUCCESS", "ContainerName": "init"})
        );
        let log = &c["LogConfiguration"];
        assert_eq!(log["LogDriver"], "awslogs");
        assert_eq!(log["Options"]["awslogs-group"], json!({"Ref": "TaskLogs"}));
        assert_eq!(
            log["Options"]["awslogs-region"],
            json!({"Ref": "AWS::Region"})
        );
        assert_eq!(log["Options"]["awslogs-stream-prefix"], "Task");

        let st = statements(&r["TaskExecutionRole"]);
        let find = |action: &str| {
            st.iter()
                .find(|s| {
                    s["Action"] == action
                        || s["Action"]
                            .as_array()
                            .is_some_and(|a| a.iter().any(|x| x == action))
                })
                .unwrap_or_else(|| panic!("no statement for {action}: {st:#?}"))
                .clone()
        };
        assert_eq!(
            find("secretsmanager:GetSecretValue")["Resource"],
            json!({"Ref": "Db"})
        );
        assert_eq!(
            find("ssm:GetParameters")["Resource"],
            c["Secrets"][1]["ValueFrom"]
        );
        assert_eq!(
            find("kms:Decrypt")["Resource"],
            "arn:aws:kms:eu-west-1:1:key/k"
        );
        assert_eq!(
            find("ecr:BatchGetImage")["Resource"],
            json!({"Fn::GetAtt": ["Repo", "Arn"]})
        );
        assert_eq!(find("ecr:GetAuthorizationToken")["Resource"], "*");
        for s in &st {
            if s["Resource"] == "*" {
                assert_eq!(s["Action"], "ecr:GetAuthorizationToken");
            }
        }
        assert_eq!(st.len(), 6, "{st:#?}");
    }

    #[test]
    fn registry_images_grant_no_ecr_access() {
        let mut stack = Stack::new("S");
        let _task =
            crate::ecs::test_task(&mut stack, "Task", ContainerProps::new("web", "nginx:1.27"));
        let t = stack.to_template().unwrap();
        assert!(!t.to_json().contains("ecr:"));
    }

    #[test]
    fn container_mistakes_are_diagnostics() {
        let mut stack = Stack::new("S");
        let task = crate::ecs::test_task(&mut stack, "Task", ContainerProps::new("web", "nginx"));
        task.add_container(
            &mut stack,
            ContainerProps {
                port_mappings: vec![PortMapping::tcp(80).host_port(8080)],
                mount_points: vec![MountPoint {
                    source_volume: "nope".into(),
                    container_path: "/x".into(),
                    read_only: true,
                }],
                stop_timeout_seconds: Some(300),
                ..ContainerProps::new("web", "nginx")
            },
        );
        let err = stack.to_template().unwrap_err();
        assert_eq!(err.errors(), 4, "{err}");
    }
}
