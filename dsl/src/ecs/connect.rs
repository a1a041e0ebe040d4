//! [Service Connect](https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect.html):
//! a service joins a Cloud Map namespace ([`ServiceConnectNamespace`], or one given by name
//! or ARN), its tasks reach the namespace's services by short names through a proxy ECS
//! adds, and it serves the named ports listed. The proxy logs to the task's log group;
//! access logs, per-port timeouts and TLS from a private certificate authority are options.
//!
//! The validator checks what ECS refuses: a served port naming no port mapping (FF4019),
//! access logs without the proxy's log configuration (FF4070), a per-request timeout on a
//! TCP port (FF4071), more than one client alias per served port (FF4072).

use serde_json::json;

use crate::fns;
use crate::iam::Statement;
use crate::model::handle::Handle;
use crate::model::stack::Stack;
use crate::model::value::Value;
use crate::resources::ecs::service as s;
use crate::resources::{iam, servicediscovery as sd};

use super::task_definition::TaskDefinition;

/// The access log format of the Service Connect proxy.
pub use s::ServiceConnectAccessLogConfigurationFormat as AccessLogFormat;

/// A Cloud Map HTTP namespace for Service Connect, made once and shared by the services
/// that join it (one namespace per name: services that each made their own would clash).
///
/// ```
/// use ferroform::Stack;
/// use ferroform::ecs::{ServiceConnect, ServiceConnectNamespace};
/// let mut stack = Stack::new("Mesh");
/// let ns = ServiceConnectNamespace::new(&mut stack, "Internal", "internal");
/// let sc = ServiceConnect::new(ns.arn());
/// let t = stack.to_template().unwrap();
/// assert_eq!(t.body()["Resources"]["Internal"]["Type"], "AWS::ServiceDiscovery::HttpNamespace");
/// # let _ = sc;
/// ```
#[derive(Clone, Debug)]
pub struct ServiceConnectNamespace {
    resource: Handle<sd::HttpNamespace>,
}

impl ServiceConnectNamespace {
    /// Add the namespace `name`.
    pub fn new(stack: &mut Stack, id: &str, name: impl Into<Value<String>>) -> Self {
        ServiceConnectNamespace {
            resource: stack.add(id, sd::HttpNamespace::new(name)),
        }
    }

    /// Its ARN, for [`ServiceConnect::new`].
    pub fn arn(&self) -> Value<String> {
        self.resource.attr_arn()
    }

    /// The `AWS::ServiceDiscovery::HttpNamespace` (escape hatch).
    pub fn resource(&self) -> &Handle<sd::HttpNamespace> {
        &self.resource
    }
}

/// TLS between Service Connect proxies, with certificates from an AWS Private CA.
#[derive(Clone, Debug)]
pub struct ServiceConnectTls {
    /// The private certificate authority's ARN. AWS's managed policy for Service Connect
    /// TLS, whose statements the role made here carries, only acts on a CA tagged
    /// `AmazonECSManaged: true`: tag it so.
    pub private_ca_arn: Value<String>,
    /// A KMS key (ARN) for the certificates' secrets. Default: none (an AWS owned key).
    pub kms_key_arn: Option<Value<String>>,
    /// The infrastructure role ECS uses to issue and rotate the certificates. Default:
    /// none, so `<service>ServiceConnectTlsRole` is made with the statements of AWS's
    /// `AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity`, limited
    /// to this account, region and CA.
    pub role_arn: Option<Value<String>>,
}

impl ServiceConnectTls {
    /// TLS with certificates of `private_ca_arn`.
    pub fn new(private_ca_arn: impl Into<Value<String>>) -> Self {
        ServiceConnectTls {
            private_ca_arn: private_ca_arn.into(),
            kms_key_arn: None,
            role_arn: None,
        }
    }
}

/// The Service Connect settings of a service.
///
/// A served port names a port mapping of the task's containers (`PortMapping::name`):
/// the validator refuses a name no container has (FF4019). Clients still need to reach the
/// servers' tasks: let their security group in with [`super::Service::allow_from`].
///
/// ```
/// use ferroform::ecs::{ServiceConnect, ServiceConnectPort};
/// let sc = ServiceConnect::new("internal").serve(ServiceConnectPort::new("http", 80).dns_name("api"));
/// assert_eq!(sc.serves.len(), 1);
/// assert!(sc.proxy_logs);
/// ```
#[derive(Clone, Debug)]
pub struct ServiceConnect {
    /// The namespace: its name or ARN ([`ServiceConnectNamespace::arn`], or an existing
    /// namespace's).
    pub namespace: Value<String>,
    /// The ports served; empty: a client only.
    pub serves: Vec<ServiceConnectPort>,
    /// Send the proxy's own logs to the task's log group (stream prefix
    /// `service-connect`). Default: `true` when the task definition has a log group —
    /// connection errors between services are otherwise invisible.
    pub proxy_logs: bool,
    /// Access logs of every request through the proxy (query strings left out). Default:
    /// none (they cost log ingestion for every request); they need `proxy_logs`.
    pub access_logs: Option<AccessLogFormat>,
    /// TLS between proxies for the ports served. Default: none.
    pub tls: Option<ServiceConnectTls>,
}

impl ServiceConnect {
    /// Join `namespace` as a client, with the defaults above.
    pub fn new(namespace: impl Into<Value<String>>) -> Self {
        ServiceConnect {
            namespace: namespace.into(),
            serves: Vec::new(),
            proxy_logs: true,
            access_logs: None,
            tls: None,
        }
    }

    /// Also serve `port` to the namespace.
    #[must_use]
    pub fn serve(mut self, port: ServiceConnectPort) -> Self {
        self.serves.push(port);
        self
    }
}

/// A port a service serves over Service Connect.
#[derive(Clone, Debug)]
pub struct ServiceConnectPort {
    /// The port mapping's name in the task definition.
    pub port_name: String,
    /// The port clients connect to.
    pub port: Value<i64>,
    /// The name clients use. Default: the port mapping's name (`<name>.<namespace>`).
    pub dns_name: Option<Value<String>>,
    /// Seconds a connection may stay idle (0: never closed). Default: none (ECS's: 5
    /// minutes for HTTP, HTTP/2 and gRPC, 1 hour for TCP).
    pub idle_timeout_seconds: Option<Value<i64>>,
    /// Seconds to wait for a whole response (0: no limit); only for ports whose mapping
    /// has an `app_protocol` (FF4071). Default: none (ECS's).
    pub per_request_timeout_seconds: Option<Value<i64>>,
}

impl ServiceConnectPort {
    /// Serve the port mapping `port_name` to clients on `port`.
    pub fn new(port_name: impl Into<String>, port: impl Into<Value<i64>>) -> Self {
        ServiceConnectPort {
            port_name: port_name.into(),
            port: port.into(),
            dns_name: None,
            idle_timeout_seconds: None,
            per_request_timeout_seconds: None,
        }
    }

    /// The name clients use.
    #[must_use]
    pub fn dns_name(mut self, name: impl Into<Value<String>>) -> Self {
        self.dns_name = Some(name.into());
        self
    }

    /// The idle and per-request timeouts, in seconds.
    #[must_use]
    pub fn timeouts(
        mut self,
        idle_seconds: impl Into<Value<i64>>,
        per_request_seconds: impl Into<Value<i64>>,
    ) -> Self {
        self.idle_timeout_seconds = Some(idle_seconds.into());
        self.per_request_timeout_seconds = Some(per_request_seconds.into());
        self
    }
}

/// The `ServiceConnectConfiguration` of service `id` running `td`.
pub(super) fn configuration(
    stack: &mut Stack,
    id: &str,
    sc: &ServiceConnect,
    td: &TaskDefinition,
) -> s::ServiceConnectConfiguration {
    let mut config = s::ServiceConnectConfiguration::new(true).namespace(sc.namespace.clone());
    if sc.proxy_logs
        && let Some(target) = &td.log_target
    {
        config =
            config.log_configuration(s::LogConfiguration::new().log_driver("awslogs").options(
                vec![
                    ("awslogs-group".to_owned(), target.name.clone()),
                    ("awslogs-region".to_owned(), crate::pseudo::region()),
                    ("awslogs-stream-prefix".to_owned(), "service-connect".into()),
                ],
            ));
    }
    if let Some(format) = &sc.access_logs {
        config = config.access_log_configuration(
            s::ServiceConnectAccessLogConfiguration::new(format.clone())
                .include_query_parameters(s::IncludeQueryParameters::Disabled),
        );
    }
    let tls = sc.tls.as_ref().map(|t| {
        let role = match &t.role_arn {
            Some(arn) => arn.clone(),
            None => tls_role(stack, id, t).attr_arn(),
        };
        let mut tls = s::ServiceConnectTlsConfiguration::new(
            s::ServiceConnectTlsCertificateAuthority::new()
                .aws_pca_authority_arn(t.private_ca_arn.clone()),
        )
        .role_arn(role);
        if let Some(key) = &t.kms_key_arn {
            tls = tls.kms_key(key.clone());
        }
        tls
    });
    if !sc.serves.is_empty() {
        config = config.services(
            sc.serves
                .iter()
                .map(|p| {
                    let mut alias = s::ServiceConnectClientAlias::new(p.port.clone());
                    if let Some(d) = &p.dns_name {
                        alias = alias.dns_name(d.clone());
                    }
                    let mut service = s::ServiceConnectService::new(p.port_name.clone())
                        .client_aliases(vec![alias]);
                    if p.idle_timeout_seconds.is_some() || p.per_request_timeout_seconds.is_some() {
                        let mut timeout = s::TimeoutConfiguration::new();
                        if let Some(v) = &p.idle_timeout_seconds {
                            timeout = timeout.idle_timeout_seconds(v.clone());
                        }
                        if let Some(v) = &p.per_request_timeout_seconds {
                            timeout = timeout.per_request_timeout_seconds(v.clone());
                        }
                        service = service.timeout(timeout);
                    }
                    if let Some(tls) = &tls {
                        service = service.tls(tls.clone());
                    }
                    service
                })
                .collect::<Vec<_>>(),
        );
    }
    config
}

/// `<id>ServiceConnectTlsRole`: what ECS needs to issue and rotate the proxies'
/// certificates, from AWS's
/// `AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity` (version 4,
/// <https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity.html>)
/// with this account, region and CA instead of any.
fn tls_role(stack: &mut Stack, id: &str, tls: &ServiceConnectTls) -> Handle<iam::Role> {
    let secrets = || {
        fns::sub(
            "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:ecs-sc!*",
        )
    };
    let created_by = json!({"ArnLike": {"aws:RequestTag/AmazonECSCreated": [
        {"Fn::Sub": "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:service/*/*"},
        {"Fn::Sub": "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task-set/*/*"}
    ]}, "StringEquals": {
        "aws:RequestTag/AmazonECSManaged": "true",
        "aws:ResourceAccount": "${aws:PrincipalAccount}"
    }});
    let own_account = json!({"StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}});
    let statements = vec![
        Statement::allow(["secretsmanager:CreateSecret"])
            .sid("CreateSecret")
            .resource(secrets())
            .condition(created_by.clone()),
        Statement::allow(["secretsmanager:TagResource"])
            .sid("TagOnCreateSecret")
            .resource(secrets())
            .condition(created_by),
        Statement::allow([
            "secretsmanager:DeleteSecret",
            "secretsmanager:GetSecretValue",
            "secretsmanager:PutSecretValue",
            "secretsmanager:RotateSecret",
            "secretsmanager:UpdateSecret",
            "secretsmanager:UpdateSecretVersionStage",
        ])
        .sid("RotateTLSCertificateSecret")
        .resource(secrets())
        .condition(json!({"StringEquals": {
            "secretsmanager:ResourceTag/aws:secretsmanager:owningService": "ecs-sc",
            "aws:ResourceAccount": "${aws:PrincipalAccount}"
        }})),
        Statement::allow(["secretsmanager:DescribeSecret"])
            .sid("DescribeTLSCertificateSecret")
            .resource(secrets())
            .condition(own_account),
        Statement::allow([
            "acm-pca:DescribeCertificateAuthority",
            "acm-pca:GetCertificate",
            "acm-pca:GetCertificateAuthorityCertificate",
        ])
        .sid("ManagePrivateCertificateAuthority")
        .resource(tls.private_ca_arn.clone())
        .condition(json!({"StringEquals": {"aws:ResourceTag/AmazonECSManaged": "true"}})),
        Statement::allow(["acm-pca:IssueCertificate"])
            .sid("ManagePrivateCertificateAuthorityForIssuingEndEntityCertificate")
            .resource(tls.private_ca_arn.clone())
            .condition(json!({"StringEquals": {
                "aws:ResourceTag/AmazonECSManaged": "true",
                "acm-pca:TemplateArn": {"Fn::Sub": "arn:${AWS::Partition}:acm-pca:::template/EndEntityCertificate/V1"}
            }})),
    ];
    super::ecs_role(
        stack,
        id,
        "ServiceConnectTlsRole",
        "ServiceConnectTls",
        statements,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecs::{
        Cluster, ClusterProps, ContainerProps, FargateService, FargateServiceProps, FargateSize,
        ServiceNetworking, TaskDefinitionProps,
    };
    use crate::rules;
    use serde_json::json;

    /// A stack with a Fargate task whose container maps port 8080 as `http`, and a service
    /// per `(id, Service Connect settings)`.
    fn synth(services: Vec<(&str, ServiceConnect)>) -> crate::Template {
        let mut stack = Stack::new("S");
        let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
        let task = TaskDefinition::new(
            &mut stack,
            "Task",
            TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512),
        );
        let mut web = ContainerProps::new("web", "nginx");
        web.port_mappings.push(crate::ecs::PortMapping {
            name: Some("http".into()),
            ..crate::ecs::PortMapping::tcp(8080)
        });
        task.add_container(&mut stack, web);
        let networking = ServiceNetworking::new("vpc-1", Value::lit(vec!["subnet-1".into()]));
        for (id, sc) in services {
            let mut props = FargateServiceProps::new(&cluster, &task, networking.clone());
            props.service_connect = Some(sc);
            FargateService::new(&mut stack, id, props);
        }
        stack.to_template().unwrap()
    }

    /// Served ports become client aliases, the proxy logs to the task's group; a port name
    /// the task's port mappings lack is refused at synth (FF4019).
    #[test]
    fn service_connect_joins_the_namespace_and_serves_named_ports() {
        let serve = |name: &str| {
            ServiceConnect::new("internal").serve(ServiceConnectPort::new(name, 80).dns_name("api"))
        };
        let t = synth(vec![("Api", serve("http")), ("Typo", serve("htp"))]);
        assert_eq!(
            t.body()["Resources"]["Api"]["Properties"]["ServiceConnectConfiguration"],
            json!({
                "Enabled": true,
                "LogConfiguration": {
                    "LogDriver": "awslogs",
                    "Options": {
                        "awslogs-group": {"Ref": "TaskLogs"},
                        "awslogs-region": {"Ref": "AWS::Region"},
                        "awslogs-stream-prefix": "service-connect"
                    }
                },
                "Namespace": "internal",
                "Services": [{"ClientAliases": [{"DnsName": "api", "Port": 80}], "PortName": "http"}]
            })
        );
        let found = crate::validate::validate(&t).diagnostics;
        let refused: Vec<(&str, Option<&str>)> = found
            .iter()
            .filter(|d| d.rule == rules::SERVICE_CONNECT_PORT_NAME)
            .map(|d| (d.rule, d.logical_id.as_deref()))
            .collect();
        assert_eq!(refused, [("FF4019", Some("Typo"))], "{found:#?}");
    }

    #[test]
    fn tls_timeouts_and_access_logs() {
        let sc = ServiceConnect {
            access_logs: Some(AccessLogFormat::Json),
            tls: Some(ServiceConnectTls::new(
                "arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/abc",
            )),
            ..ServiceConnect::new("internal")
                .serve(ServiceConnectPort::new("http", 80).timeouts(300, 30))
        };
        let t = synth(vec![("Api", sc)]);
        let r = &t.body()["Resources"];
        let c = &r["Api"]["Properties"]["ServiceConnectConfiguration"];
        assert_eq!(
            c["AccessLogConfiguration"],
            json!({"Format": "JSON", "IncludeQueryParameters": "DISABLED"})
        );
        let svc = &c["Services"][0];
        assert_eq!(
            svc["Timeout"],
            json!({"IdleTimeoutSeconds": 300, "PerRequestTimeoutSeconds": 30})
        );
        assert_eq!(
            svc["Tls"]["RoleArn"],
            json!({"Fn::GetAtt": ["ApiServiceConnectTlsRole", "Arn"]})
        );
        assert_eq!(
            svc["Tls"]["IssuerCertificateAuthority"]["AwsPcaAuthorityArn"],
            "arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/abc"
        );
        let role = &r["ApiServiceConnectTlsRole"]["Properties"];
        let statements = role["Policies"][0]["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap();
        let issue = statements
            .iter()
            .find(|s| s["Action"] == "acm-pca:IssueCertificate")
            .unwrap();
        assert_eq!(
            issue["Resource"],
            "arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/abc"
        );
        // The secrets are ECS's own, in this account and region.
        assert_eq!(
            statements[0]["Resource"],
            json!({"Fn::Sub": "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:ecs-sc!*"})
        );
        // The port mapping has no AppProtocol: the per-request timeout is FF4071.
        let found: Vec<&str> = crate::validate::validate(&t)
            .diagnostics
            .iter()
            .map(|d| d.rule)
            .collect();
        assert!(found.contains(&"FF4071"), "{found:?}");
        assert!(!found.contains(&"FF4070"), "the proxy logs: {found:?}");
    }

    #[test]
    fn a_namespace_is_made_once_and_shared() {
        let mut stack = Stack::new("S");
        let ns = ServiceConnectNamespace::new(&mut stack, "Internal", "internal");
        stack.output("Namespace", ns.arn());
        let t = stack.to_template().unwrap();
        assert_eq!(
            t.body()["Resources"]["Internal"]["Properties"]["Name"],
            "internal"
        );
        assert_eq!(
            t.body()["Outputs"]["Namespace"]["Value"],
            json!({"Fn::GetAtt": ["Internal", "Arn"]})
        );
    }
}
