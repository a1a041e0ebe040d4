//! `LoadBalancedFargateService` and `LoadBalancedEc2Service`: a service behind an
//! internet-facing ALB or NLB.

use std::ops::Deref;

use crate::Tag;
use crate::iam::Statement;
use crate::model::handle::Handle;
use crate::model::stack::Stack;
use crate::model::value::{ListProperty, Value};
use crate::resources::ec2;
use crate::resources::ecs::service as s;
use crate::resources::elasticloadbalancingv2::{
    self as elb, listener as l, listener_rule as lr, load_balancer as lb, target_group as tg,
};
use crate::resources::iam;

use super::service::{
    DeploymentStrategy, Ec2Service, Ec2ServiceProps, FargateService, FargateServiceProps, Service,
    Subnets,
};
use super::task_definition::TaskDefinition;
use super::{part_id, rules};

/// The parts of a blue/green, linear or canary deployment behind a load balancer.
struct TrafficShifting {
    alternate: Handle<elb::TargetGroup>,
    /// The production listener rule's ARN (ALB), or the listener's (NLB).
    production: Value<String>,
    role: Handle<iam::Role>,
}

impl TrafficShifting {
    fn advanced_configuration(&self) -> s::AdvancedConfiguration {
        s::AdvancedConfiguration::new(self.alternate.to_ref())
            .production_listener_rule(self.production.clone())
            .role_arn(self.role.attr_arn())
    }
}

/// A load balancer and the target group a service is registered in: what request-count
/// scaling needs.
#[derive(Clone, Debug)]
pub struct LoadBalancerTarget {
    /// The load balancer.
    pub load_balancer: Handle<elb::LoadBalancer>,
    /// The target group.
    pub target_group: Handle<elb::TargetGroup>,
}

/// Which load balancer fronts the service.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LoadBalancerKind {
    /// An Application Load Balancer (HTTP/HTTPS, path routing, request-count scaling).
    /// The default.
    #[default]
    Application,
    /// A Network Load Balancer (TCP, or TLS with a certificate).
    Network,
}

/// An HTTPS (ALB) or TLS (NLB) listener on port 443.
#[derive(Clone, Debug)]
pub struct HttpsListener {
    /// The ACM certificate ARN.
    pub certificate_arn: Value<String>,
    /// Answer plain HTTP on port 80 with a permanent redirect to HTTPS (ALB only).
    /// Default: `true`.
    pub redirect_http: bool,
    /// The security policy. Default: `ELBSecurityPolicy-TLS13-1-2-2021-06` (TLS 1.2 and 1.3
    /// only; checkov CKV_AWS_103).
    pub ssl_policy: String,
}

impl HttpsListener {
    /// HTTPS with this certificate and the defaults above.
    pub fn new(certificate_arn: impl Into<Value<String>>) -> Self {
        HttpsListener {
            certificate_arn: certificate_arn.into(),
            redirect_http: true,
            ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06".into(),
        }
    }
}

/// Where the ALB writes its access logs.
#[derive(Clone, Debug)]
pub struct AccessLogs {
    /// The S3 bucket name (its policy must let Elastic Load Balancing write to it).
    pub bucket: Value<String>,
    /// A key prefix. Default: none.
    pub prefix: Option<String>,
}

/// The settings of a service behind a load balancer: [`LoadBalancedFargateServiceProps`]
/// (a [`FargateServiceProps`]) or [`LoadBalancedEc2ServiceProps`] (an [`Ec2ServiceProps`]
/// of an awsvpc task definition). Start from their `new`.
#[derive(Clone, Debug)]
pub struct LoadBalancedServiceProps<P> {
    /// The service (its networking's VPC is the load balancer's).
    pub service: P,
    /// The load balancer's subnets (public subnets for an internet-facing one).
    pub load_balancer_subnets: Subnets,
    /// ALB or NLB. Default: [`LoadBalancerKind::Application`].
    pub kind: LoadBalancerKind,
    /// Reachable from the internet. Default: `true`.
    pub internet_facing: bool,
    /// The container receiving traffic. Default: the first container with a port.
    pub container_name: Option<String>,
    /// Its port. Default: that container's first port.
    pub container_port: Option<Value<i64>>,
    /// The target group's health check path. Default: `/`.
    pub health_check_path: String,
    /// HTTPS (TLS on an NLB). Default: none — plain HTTP (TCP) on port 80.
    pub https: Option<HttpsListener>,
    /// ALB access logs. Default: none (they need a bucket with an ELB-delivery policy).
    pub access_logs: Option<AccessLogs>,
    /// Seconds ECS ignores failing load balancer health checks after a task starts.
    /// Default: 60.
    pub health_check_grace_period_seconds: u32,
    /// The description of the load balancer's security group. Default: `Load balancer of
    /// the <id> service`. CloudFormation replaces a security group whose description changes:
    /// set it to an existing group's description when adopting a stack.
    pub load_balancer_security_group_description: Option<Value<String>>,
}

/// The settings of a [`LoadBalancedFargateService`].
pub type LoadBalancedFargateServiceProps = LoadBalancedServiceProps<FargateServiceProps>;

/// The settings of a [`LoadBalancedEc2Service`].
pub type LoadBalancedEc2ServiceProps = LoadBalancedServiceProps<Ec2ServiceProps>;

impl<P: ServiceKind> LoadBalancedServiceProps<P> {
    /// The service behind a load balancer in `load_balancer_subnets`, with the defaults above.
    pub fn new(service: P, load_balancer_subnets: impl Into<Subnets>) -> Self {
        LoadBalancedServiceProps {
            service,
            load_balancer_subnets: load_balancer_subnets.into(),
            kind: LoadBalancerKind::Application,
            internet_facing: true,
            container_name: None,
            container_port: None,
            health_check_path: "/".into(),
            https: None,
            access_logs: None,
            health_check_grace_period_seconds: 60,
            load_balancer_security_group_description: None,
        }
    }
}

/// A service (Fargate, or EC2 with awsvpc tasks) behind a load balancer: the load balancer
/// with its own security group
/// (ingress on 80, and 443 with HTTPS, from anywhere), a target group of task IPs with a
/// health check, the listeners, the rule letting the load balancer — and only it — reach
/// the tasks on the container port, and the service registered in the target group.
/// The service depends on the listeners (ECS refuses a target group without a load
/// balancer). Dereferences to the service ([`FargateService`] or [`Ec2Service`]).
///
/// Logical IDs: the service is `id`; the parts are `<id>LoadBalancer`,
/// `<id>LoadBalancerSecurityGroup`, `<id>TargetGroup`, `<id>HttpListener`,
/// `<id>HttpsListener`, `<id>SecurityGroup` and `<id>FromLoadBalancer`.
///
/// With a blue/green, linear or canary [`DeploymentStrategy`](super::DeploymentStrategy)
/// (`service.deployment.strategy`), ECS shifts the traffic itself and needs three more
/// parts, added here: `<id>AlternateTargetGroup` (the same settings as the first),
/// `<id>ProductionRule` (an ALB listener rule on the serving listener forwarding every
/// path to both groups, all of it to the first; behind an NLB the listener itself is the
/// production route) and `<id>DeploymentRole`, which ECS assumes to move targets between
/// those two groups and change that listener and rule — nothing else (the Elastic Load
/// Balancing `Describe` actions, which support no resource-level permissions, excepted).
///
/// ```
/// use ferroform::{Stack, Parameter};
/// use ferroform::ecs::{Cluster, ClusterProps, ContainerProps, FargateServiceProps, FargateSize,
///     HttpsListener, LoadBalancedFargateService, LoadBalancedFargateServiceProps, ServiceNetworking,
///     TaskDefinition, TaskDefinitionProps};
/// let mut stack = Stack::new("Web");
/// let vpc = stack.parameter("VpcId", Parameter::aws("AWS::EC2::VPC::Id"));
/// let public = stack.parameter("PublicSubnets", Parameter::aws_list("AWS::EC2::Subnet::Id"));
/// let private = stack.parameter("PrivateSubnets", Parameter::aws_list("AWS::EC2::Subnet::Id"));
/// let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
/// let task = TaskDefinition::new(&mut stack, "WebTask", TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512));
/// task.add_container(&mut stack, ContainerProps::new("web", "public.ecr.aws/nginx/nginx:1.27").port(80));
/// let web = LoadBalancedFargateService::new(&mut stack, "Web", LoadBalancedFargateServiceProps {
///     https: Some(HttpsListener::new("arn:aws:acm:eu-west-1:123456789012:certificate/abc")),
///     health_check_path: "/health".into(),
///     ..LoadBalancedFargateServiceProps::new(
///         FargateServiceProps::new(&cluster, &task, ServiceNetworking::new(vpc.to_ref(), private.to_ref())),
///         public.to_ref(),
///     )
/// });
/// stack.output("Url", web.dns_name());
/// let t = stack.to_template().unwrap();
/// let http = &t.body()["Resources"]["WebHttpListener"]["Properties"];
/// assert_eq!(http["DefaultActions"][0]["Type"], "redirect");
/// ```
#[derive(Clone, Debug)]
pub struct LoadBalancedService<S> {
    service: S,
    load_balancer: Handle<elb::LoadBalancer>,
    security_group: Handle<ec2::SecurityGroup>,
    target_group: Handle<elb::TargetGroup>,
    listeners: Vec<Handle<elb::Listener>>,
}

/// A Fargate service behind a load balancer: see [`LoadBalancedService`].
pub type LoadBalancedFargateService = LoadBalancedService<FargateService>;

/// An EC2 service of an awsvpc task definition behind a load balancer (the tasks' IPs are
/// the targets, as on Fargate): see [`LoadBalancedService`]. Task definitions in bridge or
/// host mode are refused (their targets would be instances and dynamic ports).
pub type LoadBalancedEc2Service = LoadBalancedService<Ec2Service>;

/// The service settings a [`LoadBalancedService`] takes: [`FargateServiceProps`] or
/// [`Ec2ServiceProps`]. Sealed: implemented here only.
pub trait ServiceKind: sealed::Sealed {
    /// The service made.
    type Service: Deref<Target = Service>;
    #[doc(hidden)]
    fn vpc_id(&self) -> Option<Value<String>>;
    #[doc(hidden)]
    fn task(&self) -> &TaskDefinition;
    #[doc(hidden)]
    fn strategy(&self) -> &DeploymentStrategy;
    #[doc(hidden)]
    fn add(self, stack: &mut Stack, id: &str) -> Self::Service;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::FargateServiceProps {}
    impl Sealed for super::Ec2ServiceProps {}
}

impl ServiceKind for FargateServiceProps {
    type Service = FargateService;
    fn vpc_id(&self) -> Option<Value<String>> {
        Some(self.networking.vpc_id.clone())
    }
    fn task(&self) -> &TaskDefinition {
        &self.task_definition
    }
    fn strategy(&self) -> &DeploymentStrategy {
        &self.deployment.strategy
    }
    fn add(self, stack: &mut Stack, id: &str) -> FargateService {
        FargateService::new(stack, id, self)
    }
}

impl ServiceKind for Ec2ServiceProps {
    type Service = Ec2Service;
    fn vpc_id(&self) -> Option<Value<String>> {
        self.networking.as_ref().map(|n| n.vpc_id.clone())
    }
    fn task(&self) -> &TaskDefinition {
        &self.task_definition
    }
    fn strategy(&self) -> &DeploymentStrategy {
        &self.deployment.strategy
    }
    fn add(self, stack: &mut Stack, id: &str) -> Ec2Service {
        Ec2Service::new(stack, id, self)
    }
}

impl<S: Deref<Target = Service>> LoadBalancedService<S> {
    /// Add the load balancer, its listeners and target group, and the service.
    pub fn new<P: ServiceKind<Service = S>>(
        stack: &mut Stack,
        id: &str,
        props: LoadBalancedServiceProps<P>,
    ) -> Self {
        let alb = props.kind == LoadBalancerKind::Application;
        let task = props.service.task().clone();
        // Targets are task IPs: the tasks need awsvpc (always so on Fargate), and the
        // service its networking (its VPC is the target group's).
        if !task.is_awsvpc() || props.service.vpc_id().is_none() {
            stack.report_error(
                rules::INVALID_INPUT,
                Some(id),
                format!("load-balanced service `{id}` runs a task definition without awsvpc networking, or has no networking"),
                "use an awsvpc task definition (TaskDefinitionProps::ec2(Ec2NetworkMode::Awsvpc)) and set Ec2ServiceProps::networking",
            );
        }
        let vpc_id = props
            .service
            .vpc_id()
            .unwrap_or_else(|| Value::lit(String::new()));

        let (container_name, container_port) = traffic_target(
            stack,
            id,
            &task,
            props.container_name.clone(),
            props.container_port.clone(),
        );

        let security_group = Self::add_security_group(stack, id, &props, alb);

        let load_balancer = Self::add_load_balancer(stack, id, &props, alb, &security_group);

        // --- the target group: task IPs (awsvpc)
        let protocol = if alb {
            tg::Protocol::Http
        } else {
            tg::Protocol::Tcp
        };
        let target_group = ip_target_group(
            stack,
            id,
            "TargetGroup",
            protocol.clone(),
            container_port.clone(),
            vpc_id.clone(),
            &props.health_check_path,
        );
        let listeners = Self::add_listeners(stack, id, &props, alb, &load_balancer, &target_group);
        // Blue/green, linear, canary: what ECS needs to shift traffic between two groups.
        let shifting = (!props.service.strategy().is_rolling()).then(|| {
            let alternate = ip_target_group(
                stack,
                id,
                "AlternateTargetGroup",
                protocol,
                container_port.clone(),
                vpc_id,
                &props.health_check_path,
            );
            Self::add_traffic_shifting(stack, id, alb, &listeners, &target_group, alternate)
        });

        // --- the service, registered in the target group once a listener exists
        let service = props.service.add(stack, id);
        service.register(
            stack,
            target_group.to_ref(),
            container_name,
            container_port.clone(),
            props.health_check_grace_period_seconds,
            shifting
                .as_ref()
                .map(TrafficShifting::advanced_configuration),
        );
        for listener in &listeners {
            stack.options(service.resource()).depends_on(listener);
        }
        // The production rule is waited for through its ARN in the service's
        // AdvancedConfiguration (a DependsOn on it would say it twice).
        service.allow_from(
            stack,
            "LoadBalancer",
            security_group.attr_group_id(),
            container_port,
            "From the load balancer only",
        );
        LoadBalancedService {
            service,
            load_balancer,
            security_group,
            target_group,
            listeners,
        }
    }

    /// The load balancer's security group: HTTP (and HTTPS) from anywhere.
    fn add_security_group(
        stack: &mut Stack,
        id: &str,
        props: &LoadBalancedServiceProps<impl ServiceKind>,
        alb: bool,
    ) -> Handle<ec2::SecurityGroup> {
        let vpc_id = props
            .service
            .vpc_id()
            .unwrap_or_else(|| Value::lit(String::new()));
        let mut ingress = vec![
            ec2::security_group::Ingress::new("tcp")
                .cidr_ip("0.0.0.0/0")
                .from_port(80)
                .to_port(80)
                .description(if props.https.is_some() && alb {
                    "HTTP from anywhere (redirected to HTTPS)"
                } else {
                    "HTTP from anywhere"
                }),
        ];
        if props.https.is_some() {
            if !alb {
                ingress.clear();
            }
            ingress.push(
                ec2::security_group::Ingress::new("tcp")
                    .cidr_ip("0.0.0.0/0")
                    .from_port(443)
                    .to_port(443)
                    .description("HTTPS from anywhere"),
            );
        }
        let serves_port_80 = props.https.is_none() || alb;
        let security_group = stack.add(
            &part_id(id, "LoadBalancerSecurityGroup"),
            ec2::SecurityGroup::new(
                props
                    .load_balancer_security_group_description
                    .clone()
                    .unwrap_or_else(|| format!("Load balancer of the {id} service").into()),
            )
            .vpc_id(vpc_id.clone())
            .security_group_ingress(ingress),
        );
        if serves_port_80 && props.internet_facing {
            stack.options(&security_group).checkov_skip(
                "CKV_AWS_260",
                "An internet-facing load balancer answers HTTP on port 80 (with HTTPS configured, only to redirect)",
            );
        }

        security_group
    }

    /// The load balancer, its attributes (dropping invalid headers, access logs) and the
    /// checkov checks it does not meet, with the reason.
    fn add_load_balancer(
        stack: &mut Stack,
        id: &str,
        props: &LoadBalancedServiceProps<impl ServiceKind>,
        alb: bool,
        security_group: &Handle<ec2::SecurityGroup>,
    ) -> Handle<elb::LoadBalancer> {
        let mut attributes = Vec::new();
        let mut skips = vec![(
            "CKV_AWS_150",
            "Deletion protection would make stack deletion fail; turn it on through the escape hatch (load_balancer_attributes) for production",
        )];
        if alb {
            attributes.push(Tag::new(
                "routing.http.drop_invalid_header_fields.enabled",
                "true",
            ));
            match &props.access_logs {
                Some(logs) => {
                    attributes.push(Tag::new("access_logs.s3.enabled", "true"));
                    attributes.push(Tag::new("access_logs.s3.bucket", logs.bucket.clone()));
                    if let Some(prefix) = &logs.prefix {
                        attributes.push(Tag::new("access_logs.s3.prefix", prefix.clone()));
                    }
                }
                None => skips.push((
                    "CKV_AWS_91",
                    "Access logs need an S3 bucket with an Elastic Load Balancing delivery policy; pass access_logs to turn them on",
                )),
            }
        }
        let mut balancer = elb::LoadBalancer::new()
            .r#type(if alb {
                lb::Type::Application
            } else {
                lb::Type::Network
            })
            .scheme(if props.internet_facing {
                lb::Scheme::InternetFacing
            } else {
                lb::Scheme::Internal
            })
            .subnets(props.load_balancer_subnets.0.clone())
            .security_groups(vec![security_group.attr_group_id()]);
        if !attributes.is_empty() {
            balancer = balancer.load_balancer_attributes(attributes);
        }
        let load_balancer = stack.add(&part_id(id, "LoadBalancer"), balancer);
        for (check, comment) in skips {
            stack.options(&load_balancer).checkov_skip(check, comment);
        }

        load_balancer
    }

    /// The listeners: HTTP (redirecting to HTTPS when a certificate is given), HTTPS, or
    /// TLS for a network load balancer, all forwarding to `target_group`.
    fn add_listeners(
        stack: &mut Stack,
        id: &str,
        props: &LoadBalancedServiceProps<impl ServiceKind>,
        alb: bool,
        load_balancer: &Handle<elb::LoadBalancer>,
        target_group: &Handle<elb::TargetGroup>,
    ) -> Vec<Handle<elb::Listener>> {
        let forward =
            || l::Action::new(l::ActionType::Forward).target_group_arn(target_group.to_ref());
        // Port 443 with the certificate: HTTPS on an ALB, TLS on an NLB.
        let secure = |protocol, https: &HttpsListener| {
            elb::Listener::new(vec![forward()], load_balancer.to_ref())
                .port(443)
                .protocol(protocol)
                .ssl_policy(https.ssl_policy.clone())
                .certificates(vec![
                    l::Certificate::new().certificate_arn(https.certificate_arn.clone()),
                ])
        };
        let mut listeners = Vec::new();
        match (&props.https, alb) {
            (Some(https), true) => {
                let http_action = if https.redirect_http {
                    l::Action::new(l::ActionType::Redirect).redirect_config(
                        l::RedirectConfig::new(l::StatusCode::Http301)
                            .protocol("HTTPS")
                            .port("443"),
                    )
                } else {
                    forward()
                };
                let http = stack.add(
                    &part_id(id, "HttpListener"),
                    elb::Listener::new(vec![http_action], load_balancer.to_ref())
                        .port(80)
                        .protocol(l::Protocol::Http),
                );
                if !https.redirect_http {
                    skip_plain_http(stack, &http);
                }
                listeners.push(http);
                listeners.push(stack.add(
                    &part_id(id, "HttpsListener"),
                    secure(l::Protocol::Https, https),
                ));
            }
            (Some(https), false) => {
                listeners
                    .push(stack.add(&part_id(id, "TlsListener"), secure(l::Protocol::Tls, https)));
            }
            (None, _) => {
                let http = stack.add(
                    &part_id(id, "HttpListener"),
                    elb::Listener::new(vec![forward()], load_balancer.to_ref())
                        .port(80)
                        .protocol(if alb {
                            l::Protocol::Http
                        } else {
                            l::Protocol::Tcp
                        }),
                );
                if alb {
                    skip_plain_http(stack, &http);
                }
                listeners.push(http);
            }
        }

        listeners
    }

    /// What ECS needs to shift traffic from `target_group` to `alternate` in a blue/green,
    /// linear or canary deployment: the production route (an ALB listener rule,
    /// `<id>ProductionRule`, forwarding everything to both groups, all of it to the first; an
    /// NLB's listener itself) and the role ECS assumes to change it (`<id>DeploymentRole`),
    /// allowed exactly that: reading the load balancer's configuration (the `Describe`
    /// actions support no resource-level permissions), moving targets in the two groups and
    /// modifying that listener and rule.
    /// <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/blue-green-deployment-implementation.html>
    fn add_traffic_shifting(
        stack: &mut Stack,
        id: &str,
        alb: bool,
        listeners: &[Handle<elb::Listener>],
        target_group: &Handle<elb::TargetGroup>,
        alternate: Handle<elb::TargetGroup>,
    ) -> TrafficShifting {
        // The listener serving the service: HTTPS (or TLS) when there is one, the last made.
        let serving = listeners.last().cloned();
        let rule = match (&serving, alb) {
            (Some(listener), true) => Some(
                stack.add(
                    &part_id(id, "ProductionRule"),
                    elb::ListenerRule::new(
                        vec![lr::Action::new(lr::ActionType::Forward).forward_config(
                            lr::ForwardConfig::new().target_groups(vec![
                                    lr::TargetGroupTuple::new()
                                        .target_group_arn(target_group.to_ref())
                                        .weight(100),
                                    lr::TargetGroupTuple::new()
                                        .target_group_arn(alternate.to_ref())
                                        .weight(0),
                                ]),
                        )],
                        vec![
                            lr::RuleCondition::new()
                                .field("path-pattern")
                                .path_pattern_config(
                                    lr::PathPatternConfig::new().values(vec!["/*".to_owned()]),
                                ),
                        ],
                        1,
                    )
                    .listener_arn(listener.to_ref()),
                ),
            ),
            _ => None,
        };
        let production: Value<String> = match (&rule, &serving) {
            (Some(r), _) => r.to_ref(),
            (None, Some(l)) => l.to_ref(),
            (None, None) => Value::lit(String::new()),
        };
        let mut statements = vec![
            Statement::allow([
                "elasticloadbalancing:DescribeListeners",
                "elasticloadbalancing:DescribeRules",
                "elasticloadbalancing:DescribeTargetGroups",
                "elasticloadbalancing:DescribeTargetHealth",
            ])
            .resource("*"),
            Statement::allow([
                "elasticloadbalancing:RegisterTargets",
                "elasticloadbalancing:DeregisterTargets",
            ])
            .resources([target_group.to_ref(), alternate.to_ref()]),
        ];
        if let Some(l) = &serving {
            statements.push(
                Statement::allow(["elasticloadbalancing:ModifyListener"]).resource(l.to_ref()),
            );
        }
        if let Some(r) = &rule {
            statements
                .push(Statement::allow(["elasticloadbalancing:ModifyRule"]).resource(r.to_ref()));
        }
        let role = super::ecs_role(stack, id, "DeploymentRole", "TrafficShifting", statements);
        stack.options(&role).checkov_skip(
            "CKV_AWS_111",
            "The Elastic Load Balancing Describe actions support no resource-level permissions; every change is limited to this service's groups, listener and rule",
        );
        TrafficShifting {
            alternate,
            production,
            role,
        }
    }

    /// The service.
    pub fn service(&self) -> &S {
        &self.service
    }

    /// The load balancer.
    pub fn load_balancer(&self) -> &Handle<elb::LoadBalancer> {
        &self.load_balancer
    }

    /// The load balancer's security group.
    pub fn load_balancer_security_group(&self) -> &Handle<ec2::SecurityGroup> {
        &self.security_group
    }

    /// The target group.
    pub fn target_group(&self) -> &Handle<elb::TargetGroup> {
        &self.target_group
    }

    /// The listeners (HTTP first, then HTTPS/TLS).
    pub fn listeners(&self) -> &[Handle<elb::Listener>] {
        &self.listeners
    }

    /// The load balancer and target group, for [`super::AutoScaling::scale_on_request_count`].
    pub fn target(&self) -> LoadBalancerTarget {
        LoadBalancerTarget {
            load_balancer: self.load_balancer.clone(),
            target_group: self.target_group.clone(),
        }
    }

    /// The load balancer's DNS name.
    pub fn dns_name(&self) -> Value<String> {
        self.load_balancer.attr_dns_name()
    }
}

impl<S> Deref for LoadBalancedService<S> {
    type Target = S;
    fn deref(&self) -> &S {
        &self.service
    }
}

/// A listener made elsewhere (another stack, team or tool) that a new service joins with a
/// rule of its own: see [`Service::serve_from_listener`].
///
/// The three IDs are named ([`ExistingListenerRequired`]): as plain strings they would
/// compile in any order.
///
/// ```
/// use ferroform::ecs::{ExistingListener, ExistingListenerRequired};
/// let listener = ExistingListener::new(ExistingListenerRequired {
///     listener_arn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/edge/0123456789abcdef/0123456789abcdef".into(),
///     load_balancer_security_group: "sg-0123456789abcdef0".into(),
///     vpc_id: "vpc-0123456789abcdef0".into(),
///     priority: 100.into(),
/// })
/// .path("/api/*");
/// assert_eq!(listener.path_patterns.len(), 1);
/// ```
#[derive(Clone, Debug)]
pub struct ExistingListener {
    /// The listener's ARN.
    pub listener_arn: Value<String>,
    /// The load balancer's security group: the service lets it reach the container port.
    pub load_balancer_security_group: Value<String>,
    /// The VPC of the load balancer and the service (for the new target group).
    pub vpc_id: Value<String>,
    /// The rule's priority on the listener (1 to 50,000, unique per listener).
    pub priority: Value<i64>,
    /// Path patterns the rule matches (`/api/*`). Default: none.
    pub path_patterns: Vec<Value<String>>,
    /// Host names the rule matches (`api.example.com`). Default: none. A rule needs at
    /// least one condition: a path pattern or a host header.
    pub host_headers: Vec<Value<String>>,
    /// The container that receives the traffic. Default: the task's first container with a
    /// port mapping.
    pub container_name: Option<String>,
    /// Its port. Default: that container's first port.
    pub container_port: Option<Value<i64>>,
    /// Health-check path of the new target group. Default: `/`.
    pub health_check_path: String,
    /// Seconds ECS ignores failing load-balancer health checks after a task starts.
    /// Default: 60.
    pub health_check_grace_period_seconds: u32,
}

/// What an [`ExistingListener`] cannot do without, by name.
#[derive(Clone, Debug)]
pub struct ExistingListenerRequired {
    /// The listener's ARN.
    pub listener_arn: Value<String>,
    /// The load balancer's security group.
    pub load_balancer_security_group: Value<String>,
    /// The VPC of the load balancer and the service.
    pub vpc_id: Value<String>,
    /// The rule's priority on the listener (1 to 50,000, unique per listener).
    pub priority: Value<i64>,
}

impl ExistingListener {
    /// A rule at `priority` on `listener_arn`, with the defaults above; add conditions with
    /// [`ExistingListener::path`] or [`ExistingListener::host`].
    pub fn new(required: ExistingListenerRequired) -> Self {
        let ExistingListenerRequired {
            listener_arn,
            load_balancer_security_group,
            vpc_id,
            priority,
        } = required;
        ExistingListener {
            listener_arn,
            load_balancer_security_group,
            vpc_id,
            priority,
            path_patterns: Vec::new(),
            host_headers: Vec::new(),
            container_name: None,
            container_port: None,
            health_check_path: "/".into(),
            health_check_grace_period_seconds: 60,
        }
    }

    /// Match this path pattern too.
    pub fn path(mut self, pattern: impl Into<Value<String>>) -> Self {
        self.path_patterns.push(pattern.into());
        self
    }

    /// Match this host name too.
    pub fn host(mut self, host: impl Into<Value<String>>) -> Self {
        self.host_headers.push(host.into());
        self
    }
}

/// The container name and port a load balancer sends service `id`'s traffic to: the given
/// ones, else the task's first container with a port mapping; an error names the service
/// when there is none.
fn traffic_target(
    stack: &mut Stack,
    id: &str,
    task: &TaskDefinition,
    name: Option<String>,
    port: Option<Value<i64>>,
) -> (String, Value<i64>) {
    let default = task.default_port(stack);
    let name = name.or_else(|| default.as_ref().map(|d| d.0.clone()));
    let port = port.or(default.as_ref().map(|d| d.1.clone()));
    match (name, port) {
        (Some(n), Some(p)) => (n, p),
        _ => {
            stack.report_error(
                rules::INVALID_INPUT,
                Some(id),
                format!("load-balanced service `{id}` has no container port to send traffic to"),
                "add the containers (with a port) to the task definition before the service, or set container_name and container_port",
            );
            (String::new(), 0.into())
        }
    }
}

/// The target group (`<id>TargetGroup`) of an `awsvpc` service: task IPs on `port`, health
/// checks over HTTP on `health_check_path` every 15 s (2 to pass, 3 to fail), and 30 s to
/// drain a task instead of the default 300.
fn ip_target_group(
    stack: &mut Stack,
    id: &str,
    part: &str,
    protocol: tg::Protocol,
    port: Value<i64>,
    vpc_id: Value<String>,
    health_check_path: &str,
) -> Handle<elb::TargetGroup> {
    stack.add(
        &part_id(id, part),
        elb::TargetGroup::new()
            .target_type(tg::TargetType::Ip)
            .protocol(protocol)
            .port(port)
            .vpc_id(vpc_id)
            .health_check_protocol(tg::HealthCheckProtocol::Http)
            .health_check_path(health_check_path.to_owned())
            .health_check_interval_seconds(15)
            .healthy_threshold_count(2)
            .unhealthy_threshold_count(3)
            .target_group_attributes(vec![Tag::new("deregistration_delay.timeout_seconds", "30")]),
    )
}

impl Service {
    /// Add `target_group_arn` (container `container`, port `port`) to the service's load
    /// balancers, with the health-check grace period.
    fn register(
        &self,
        stack: &mut Stack,
        target_group_arn: Value<String>,
        container: String,
        port: Value<i64>,
        grace_seconds: u32,
        advanced: Option<s::AdvancedConfiguration>,
    ) {
        if let Some(svc) = stack.get_mut(self.resource()) {
            let mut entry = s::LoadBalancer::new()
                .container_name(container)
                .container_port(port)
                .target_group_arn(target_group_arn);
            if let Some(a) = advanced {
                entry = entry.advanced_configuration(a);
            }
            let entry: Value<s::LoadBalancer> = entry.into();
            let pushed = svc.load_balancers.push_item(entry);
            svc.health_check_grace_period_seconds = Some(grace_seconds.into());
            if let Err(e) = pushed {
                stack.report_error(
                    rules::INVALID_INPUT,
                    Some(&self.id),
                    format!("cannot add a load balancer to service `{}`: {e}", self.id),
                    "leave the service's LoadBalancers to the load-balancing constructs",
                );
            }
        }
    }

    /// Register the service's tasks with a target group made elsewhere (by ARN; it must
    /// already be attached to a load balancer's listener, as ECS requires), sending traffic
    /// to `container_port` of `container_name` (default: the task's first container port),
    /// and let `load_balancer_security_group` reach that port.
    pub fn serve_from_target_group(
        &self,
        stack: &mut Stack,
        target_group_arn: impl Into<Value<String>>,
        load_balancer_security_group: impl Into<Value<String>>,
        container_name: Option<String>,
        container_port: Option<Value<i64>>,
    ) {
        let (container, port) = traffic_target(
            stack,
            &self.id,
            &self.task_definition,
            container_name,
            container_port,
        );
        self.register(
            stack,
            target_group_arn.into(),
            container,
            port.clone(),
            60,
            None,
        );
        self.allow_from(
            stack,
            "LoadBalancer",
            load_balancer_security_group,
            port,
            "From the load balancer only",
        );
    }

    /// Serve the service behind a listener made elsewhere: a new IP target group
    /// (`<id>TargetGroup`) and a listener rule (`<id>ListenerRule`) forwarding the requests
    /// that match `listener`'s conditions to it. The service waits for the rule (ECS refuses
    /// a target group no listener uses), and its security group admits the load balancer's on
    /// the container port only.
    pub fn serve_from_listener(
        &self,
        stack: &mut Stack,
        listener: ExistingListener,
    ) -> Handle<elb::TargetGroup> {
        let (container, port) = traffic_target(
            stack,
            &self.id,
            &self.task_definition,
            listener.container_name.clone(),
            listener.container_port,
        );
        let target_group = ip_target_group(
            stack,
            &self.id,
            "TargetGroup",
            tg::Protocol::Http,
            port.clone(),
            listener.vpc_id.clone(),
            &listener.health_check_path,
        );
        let mut conditions = Vec::new();
        if !listener.path_patterns.is_empty() {
            conditions.push(
                lr::RuleCondition::new()
                    .field("path-pattern")
                    .path_pattern_config(
                        lr::PathPatternConfig::new().values(listener.path_patterns.clone()),
                    ),
            );
        }
        if !listener.host_headers.is_empty() {
            conditions.push(
                lr::RuleCondition::new()
                    .field("host-header")
                    .host_header_config(
                        lr::HostHeaderConfig::new().values(listener.host_headers.clone()),
                    ),
            );
        }
        if conditions.is_empty() {
            stack.report_error(
                rules::INVALID_INPUT,
                Some(&part_id(&self.id, "ListenerRule")),
                format!("the listener rule of service `{}` has no condition", self.id),
                "a listener rule needs a condition: add .path(\"/api/*\") or .host(\"api.example.com\")",
            );
        }
        let rule = stack.add(
            &part_id(&self.id, "ListenerRule"),
            elb::ListenerRule::new(
                vec![
                    lr::Action::new(lr::ActionType::Forward)
                        .target_group_arn(target_group.to_ref()),
                ],
                conditions,
                listener.priority.clone(),
            )
            .listener_arn(listener.listener_arn.clone()),
        );
        self.register(
            stack,
            target_group.to_ref(),
            container,
            port.clone(),
            listener.health_check_grace_period_seconds,
            None,
        );
        stack.options(self.resource()).depends_on(&rule);
        self.allow_from(
            stack,
            "LoadBalancer",
            listener.load_balancer_security_group,
            port,
            "From the load balancer only",
        );
        target_group
    }
}

fn skip_plain_http(stack: &mut Stack, listener: &Handle<elb::Listener>) {
    let comment = "No certificate was given, so the service is served over plain HTTP; pass https to add TLS and redirect HTTP";
    stack
        .options(listener)
        .checkov_skip("CKV_AWS_2", comment)
        .checkov_skip("CKV_AWS_103", comment);
}

#[cfg(test)]
mod tests {
    use super::super::{
        Cluster, ClusterProps, ContainerProps, ServiceNetworking, TaskDefinition,
        TaskDefinitionProps,
    };
    use super::*;
    use crate::ecs::{DeploymentStrategy, FargateService};
    use serde_json::json;

    /// A stack with a cluster and a task (container `web` on 8080), and the props of a
    /// Fargate service running it in a private subnet: what these tests build on.
    fn web_service() -> (Stack, FargateServiceProps) {
        let mut stack = Stack::new("S");
        let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
        let task = crate::ecs::test_task(
            &mut stack,
            "Task",
            ContainerProps::new("web", "nginx").port(8080),
        );
        let service = FargateServiceProps::new(
            &cluster,
            &task,
            ServiceNetworking::new("vpc-1", Value::lit(vec!["subnet-private".into()])),
        );
        (stack, service)
    }

    /// A service of `kind` deployed with `strategy`, no HTTPS.
    fn shifted(kind: LoadBalancerKind, strategy: DeploymentStrategy) -> serde_json::Value {
        let (mut stack, mut service) = web_service();
        service.deployment.strategy = strategy;
        LoadBalancedFargateService::new(
            &mut stack,
            "Web",
            LoadBalancedFargateServiceProps {
                kind,
                ..LoadBalancedFargateServiceProps::new(
                    service,
                    Value::lit(vec!["subnet-public".into()]),
                )
            },
        );
        stack.to_template().unwrap().body().clone()
    }

    /// #16: a blue/green (linear, canary) service behind an ALB gets an alternate target
    /// group, a production rule forwarding to both groups (all to the first) and a role
    /// ECS may use on exactly those; behind an NLB the listener is the production route.
    /// Rolling (the default) adds none of it.
    #[test]
    fn traffic_shifting_parts_follow_the_strategy_and_the_load_balancer() {
        let t = shifted(
            LoadBalancerKind::Application,
            DeploymentStrategy::Linear {
                step_percent: 20.0,
                step_bake_minutes: 5,
            },
        );
        let r = &t["Resources"];
        let dc = &r["Web"]["Properties"]["DeploymentConfiguration"];
        assert_eq!(dc["Strategy"], "LINEAR");
        assert_eq!(
            dc["LinearConfiguration"],
            json!({"StepBakeTimeInMinutes": 5, "StepPercent": 20})
        );
        assert_eq!(r["WebAlternateTargetGroup"]["Properties"]["Port"], 8080);
        let rule = &r["WebProductionRule"]["Properties"];
        assert_eq!(rule["ListenerArn"], json!({"Ref": "WebHttpListener"}));
        assert_eq!(
            rule["Actions"][0]["ForwardConfig"]["TargetGroups"],
            json!([
                {"TargetGroupArn": {"Ref": "WebTargetGroup"}, "Weight": 100},
                {"TargetGroupArn": {"Ref": "WebAlternateTargetGroup"}, "Weight": 0}
            ])
        );
        assert_eq!(
            r["Web"]["Properties"]["LoadBalancers"][0]["AdvancedConfiguration"],
            json!({
                "AlternateTargetGroupArn": {"Ref": "WebAlternateTargetGroup"},
                "ProductionListenerRule": {"Ref": "WebProductionRule"},
                "RoleArn": {"Fn::GetAtt": ["WebDeploymentRole", "Arn"]}
            })
        );
        let role = &r["WebDeploymentRole"]["Properties"];
        assert_eq!(
            role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
            json!({"Service": "ecs.amazonaws.com"})
        );
        let statements = &role["Policies"][0]["PolicyDocument"]["Statement"];
        assert_eq!(statements.as_array().unwrap().len(), 4);
        assert_eq!(
            statements[1]["Resource"],
            json!([{"Ref": "WebTargetGroup"}, {"Ref": "WebAlternateTargetGroup"}])
        );
        assert_eq!(statements[2]["Resource"], json!({"Ref": "WebHttpListener"}));
        assert_eq!(
            statements[3]["Resource"],
            json!({"Ref": "WebProductionRule"})
        );

        let t = shifted(LoadBalancerKind::Network, DeploymentStrategy::BlueGreen);
        let r = &t["Resources"];
        assert!(r.get("WebProductionRule").is_none());
        assert_eq!(
            r["Web"]["Properties"]["LoadBalancers"][0]["AdvancedConfiguration"]["ProductionListenerRule"],
            json!({"Ref": "WebHttpListener"})
        );
        assert_eq!(
            r["Web"]["Properties"]["DeploymentConfiguration"]["Strategy"],
            "BLUE_GREEN"
        );
        let statements =
            &r["WebDeploymentRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"];
        assert_eq!(statements.as_array().unwrap().len(), 3, "no rule to modify");

        let t = shifted(LoadBalancerKind::Application, DeploymentStrategy::Rolling);
        let r = &t["Resources"];
        for part in [
            "WebAlternateTargetGroup",
            "WebProductionRule",
            "WebDeploymentRole",
        ] {
            assert!(r.get(part).is_none(), "{part}");
        }
        assert!(
            r["Web"]["Properties"]["DeploymentConfiguration"]
                .get("Strategy")
                .is_none()
        );
        assert!(
            r["Web"]["Properties"]["LoadBalancers"][0]
                .get("AdvancedConfiguration")
                .is_none()
        );
    }

    fn build(https: Option<HttpsListener>) -> serde_json::Value {
        let (mut stack, service) = web_service();
        let web = LoadBalancedFargateService::new(
            &mut stack,
            "Web",
            LoadBalancedFargateServiceProps {
                https,
                health_check_path: "/health".into(),
                ..LoadBalancedFargateServiceProps::new(
                    service,
                    Value::lit(vec!["subnet-public".into()]),
                )
            },
        );
        web.auto_scale(&mut stack, 1, 3)
            .scale_on_request_count(&mut stack, 100, &web.target());
        stack.to_template().unwrap().body().clone()
    }

    /// Issue #10, 3: a new service behind a listener (and beside it, one in a target group)
    /// made elsewhere: a rule and target group for the first, registration only for the
    /// second, and each service opened to the load balancer's group on its port only.
    /// The EC2 variant: an awsvpc task on EC2 takes the same load balancer and the same
    /// traffic shifting; a bridge-mode task is refused at synth.
    #[test]
    fn ec2_services_with_awsvpc_tasks_are_load_balanced_with_a_strategy() {
        let ec2_stack = |mode: crate::ecs::Ec2NetworkMode| {
            let mut stack = Stack::new("S");
            let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
            let task = TaskDefinition::new(&mut stack, "Task", TaskDefinitionProps::ec2(mode));
            task.add_container(&mut stack, ContainerProps::new("web", "nginx").port(8080));
            let web = LoadBalancedEc2Service::new(
                &mut stack,
                "Web",
                LoadBalancedEc2ServiceProps::new(
                    Ec2ServiceProps {
                        networking: Some(ServiceNetworking::new(
                            "vpc-1",
                            Value::lit(vec!["subnet-1".into()]),
                        )),
                        deployment: crate::ecs::DeploymentSettings {
                            strategy: DeploymentStrategy::Canary {
                                percent: 10.0,
                                bake_minutes: 5,
                            },
                            ..Default::default()
                        },
                        ..Ec2ServiceProps::new(&cluster, &task)
                    },
                    Value::lit(vec!["subnet-2".into()]),
                ),
            );
            let _: &Ec2Service = web.service();
            stack.to_template()
        };
        let t = ec2_stack(crate::ecs::Ec2NetworkMode::Awsvpc).unwrap();
        let r = &t.body()["Resources"];
        assert_eq!(r["Web"]["Properties"]["LaunchType"], "EC2");
        // The service's VPC is the load balancer's group's and the target group's.
        assert_eq!(
            r["WebLoadBalancerSecurityGroup"]["Properties"]["VpcId"],
            "vpc-1"
        );
        assert_eq!(r["WebTargetGroup"]["Properties"]["VpcId"], "vpc-1");
        assert_eq!(r["WebTargetGroup"]["Properties"]["TargetType"], "ip");
        for part in [
            "WebAlternateTargetGroup",
            "WebProductionRule",
            "WebDeploymentRole",
        ] {
            assert!(r.get(part).is_some(), "{part}");
        }
        assert_eq!(
            r["Web"]["Properties"]["LoadBalancers"][0]["AdvancedConfiguration"]["AlternateTargetGroupArn"],
            json!({"Ref": "WebAlternateTargetGroup"})
        );
        let e = format!(
            "{:?}",
            ec2_stack(crate::ecs::Ec2NetworkMode::Bridge).unwrap_err()
        );
        assert!(e.contains("without awsvpc networking"), "{e}");
    }

    #[test]
    fn services_join_an_existing_listener_or_target_group() {
        let mut stack = Stack::new("S");
        let cluster = Cluster::from_name("shared");
        let task = crate::ecs::test_task(
            &mut stack,
            "Task",
            ContainerProps::new("web", "nginx").port(8080),
        );
        let net = || {
            ServiceNetworking::new(
                "vpc-0123456789abcdef0",
                Value::lit(vec!["subnet-0123456789abcdef0".into()]),
            )
        };
        let api = FargateService::new(
            &mut stack,
            "Api",
            FargateServiceProps::new(&cluster, &task, net()),
        );
        api.serve_from_listener(
            &mut stack,
            ExistingListener::new(ExistingListenerRequired {
                listener_arn:
                    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/edge/1/2"
                        .into(),
                load_balancer_security_group: "sg-0123456789abcdef0".into(),
                vpc_id: "vpc-0123456789abcdef0".into(),
                priority: 10.into(),
            })
            .path("/api/*")
            .host("example.com"),
        );
        let web = FargateService::new(
            &mut stack,
            "Web",
            FargateServiceProps::new(&cluster, &task, net()),
        );
        web.serve_from_target_group(
            &mut stack,
            "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/3",
            "sg-0123456789abcdef0",
            None,
            None,
        );
        let t = stack.to_template().unwrap();
        let r = &t.body()["Resources"];
        let rule = &r["ApiListenerRule"]["Properties"];
        assert_eq!(rule["Priority"], 10);
        assert_eq!(
            rule["Actions"][0]["TargetGroupArn"],
            json!({"Ref": "ApiTargetGroup"})
        );
        assert_eq!(
            rule["Conditions"][0]["PathPatternConfig"]["Values"],
            json!(["/api/*"])
        );
        assert_eq!(
            rule["Conditions"][1]["HostHeaderConfig"]["Values"],
            json!(["example.com"])
        );
        assert_eq!(r["ApiTargetGroup"]["Properties"]["Port"], 8080);
        assert_eq!(r["Api"]["DependsOn"], "ApiListenerRule");
        assert_eq!(
            r["Api"]["Properties"]["LoadBalancers"],
            json!([{"ContainerName": "web", "ContainerPort": 8080, "TargetGroupArn": {"Ref": "ApiTargetGroup"}}])
        );
        assert_eq!(
            r["Web"]["Properties"]["LoadBalancers"][0]["TargetGroupArn"],
            "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/3"
        );
        for id in ["ApiFromLoadBalancer", "WebFromLoadBalancer"] {
            let ingress = &r[id]["Properties"];
            assert_eq!(ingress["SourceSecurityGroupId"], "sg-0123456789abcdef0");
            assert_eq!(
                (ingress["FromPort"].clone(), ingress["ToPort"].clone()),
                (json!(8080), json!(8080))
            );
        }
        assert!(crate::validate::validate(&t).diagnostics.is_empty());

        // A rule without a condition is refused at synth.
        let mut stack = Stack::new("S");
        let task = crate::ecs::test_task(
            &mut stack,
            "Task",
            ContainerProps::new("web", "nginx").port(8080),
        );
        let api = FargateService::new(
            &mut stack,
            "Api",
            FargateServiceProps::new(&cluster, &task, net()),
        );
        api.serve_from_listener(
            &mut stack,
            ExistingListener::new(ExistingListenerRequired {
                listener_arn: "arn:l".into(),
                load_balancer_security_group: "sg-lb".into(),
                vpc_id: "vpc-1".into(),
                priority: 10.into(),
            }),
        );
        let e = stack.to_template().unwrap_err();
        assert!(e.to_string().contains("has no condition"), "{e}");
    }

    #[test]
    fn http_service_wiring() {
        let t = build(None);
        let r = &t["Resources"];
        let lb = &r["WebLoadBalancer"]["Properties"];
        assert_eq!(lb["Scheme"], "internet-facing");
        assert_eq!(lb["Type"], "application");
        assert_eq!(lb["Subnets"], json!(["subnet-public"]));
        assert!(lb["LoadBalancerAttributes"].as_array().unwrap().contains(
            &json!({"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"})
        ));
        let sg = &r["WebLoadBalancerSecurityGroup"]["Properties"]["SecurityGroupIngress"];
        assert_eq!(sg.as_array().unwrap().len(), 1);
        assert_eq!(sg[0]["FromPort"], 80);
        assert_eq!(sg[0]["CidrIp"], "0.0.0.0/0");
        assert!(sg[0]["Description"].is_string());
        let tgp = &r["WebTargetGroup"]["Properties"];
        assert_eq!(tgp["TargetType"], "ip");
        assert_eq!(tgp["Port"], 8080);
        assert_eq!(tgp["HealthCheckPath"], "/health");
        let listener = &r["WebHttpListener"]["Properties"];
        assert_eq!(listener["Port"], 80);
        assert_eq!(listener["DefaultActions"][0]["Type"], "forward");
        assert_eq!(
            listener["DefaultActions"][0]["TargetGroupArn"],
            json!({"Ref": "WebTargetGroup"})
        );
        // The service: registered, after the listener, tasks reachable only from the LB.
        let svc = &r["Web"];
        assert_eq!(
            svc["Properties"]["LoadBalancers"],
            json!([{"ContainerName": "web", "ContainerPort": 8080, "TargetGroupArn": {"Ref": "WebTargetGroup"}}])
        );
        assert_eq!(svc["Properties"]["HealthCheckGracePeriodSeconds"], 60);
        assert_eq!(
            svc["DependsOn"],
            json!(["ClusterCapacityProviders", "WebHttpListener"])
        );
        let rule = &r["WebFromLoadBalancer"];
        assert_eq!(rule["Type"], "AWS::EC2::SecurityGroupIngress");
        assert_eq!(rule["Properties"]["FromPort"], 8080);
        assert_eq!(rule["Properties"]["ToPort"], 8080);
        assert_eq!(
            rule["Properties"]["GroupId"],
            json!({"Fn::GetAtt": ["WebSecurityGroup", "GroupId"]})
        );
        assert_eq!(
            rule["Properties"]["SourceSecurityGroupId"],
            json!({"Fn::GetAtt": ["WebLoadBalancerSecurityGroup", "GroupId"]})
        );
        assert!(rule["Properties"].get("CidrIp").is_none());
        // Request-count scaling names the ALB and target group by full name.
        let label = &r["WebRequestScaling"]["Properties"]["TargetTrackingScalingPolicyConfiguration"]
            ["PredefinedMetricSpecification"];
        assert_eq!(label["PredefinedMetricType"], "ALBRequestCountPerTarget");
        assert_eq!(
            label["ResourceLabel"],
            json!({"Fn::Join": ["/", [
                {"Fn::GetAtt": ["WebLoadBalancer", "LoadBalancerFullName"]},
                {"Fn::GetAtt": ["WebTargetGroup", "TargetGroupFullName"]}]]})
        );
    }

    /// The listeners, HTTP first; and the checkov waiver for port 80 (CKV_AWS_260) only on
    /// a load balancer that is internet-facing and answers HTTP: not on an internal one.
    #[test]
    fn listeners_and_the_port_80_waiver() {
        let waived = |internet_facing: bool, https: Option<HttpsListener>| {
            let (mut stack, service) = web_service();
            let web = LoadBalancedFargateService::new(
                &mut stack,
                "Web",
                LoadBalancedFargateServiceProps {
                    internet_facing,
                    https,
                    ..LoadBalancedFargateServiceProps::new(
                        service,
                        Value::lit(vec!["subnet-public".into()]),
                    )
                },
            );
            let mut cx = crate::model::render::RenderCx::detached();
            let listeners: Vec<serde_json::Value> = web
                .listeners()
                .iter()
                .map(|l| crate::model::render::Render::render(&l.to_ref(), &mut cx))
                .collect();
            let t = stack.to_template().unwrap();
            let skips = t.body()["Resources"]["WebLoadBalancerSecurityGroup"]["Metadata"]
                ["checkov"]["skip"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|s| s["id"] == "CKV_AWS_260");
            (listeners, skips)
        };
        let cert = || Some(HttpsListener::new("arn:aws:acm:us-east-1:1:certificate/c"));
        let (listeners, skipped) = waived(true, cert());
        assert_eq!(
            listeners,
            vec![
                json!({"Ref": "WebHttpListener"}),
                json!({"Ref": "WebHttpsListener"})
            ]
        );
        assert!(skipped, "internet-facing, port 80 redirects");
        let (listeners, skipped) = waived(false, None);
        assert_eq!(listeners, vec![json!({"Ref": "WebHttpListener"})]);
        assert!(!skipped, "internal: nothing to waive");
    }

    #[test]
    fn https_redirects_http() {
        let t = build(Some(HttpsListener::new(
            "arn:aws:acm:us-east-1:1:certificate/c",
        )));
        let r = &t["Resources"];
        let http = &r["WebHttpListener"]["Properties"]["DefaultActions"][0];
        assert_eq!(http["Type"], "redirect");
        assert_eq!(
            http["RedirectConfig"],
            json!({"Port": "443", "Protocol": "HTTPS", "StatusCode": "HTTP_301"})
        );
        let https = &r["WebHttpsListener"]["Properties"];
        assert_eq!(https["Protocol"], "HTTPS");
        assert_eq!(https["Port"], 443);
        assert_eq!(https["SslPolicy"], "ELBSecurityPolicy-TLS13-1-2-2021-06");
        assert_eq!(
            https["Certificates"],
            json!([{"CertificateArn": "arn:aws:acm:us-east-1:1:certificate/c"}])
        );
        let ports: Vec<i64> =
            r["WebLoadBalancerSecurityGroup"]["Properties"]["SecurityGroupIngress"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["FromPort"].as_i64().unwrap())
                .collect();
        assert_eq!(ports, vec![80, 443]);
        assert_eq!(
            r["Web"]["DependsOn"],
            json!([
                "ClusterCapacityProviders",
                "WebHttpListener",
                "WebHttpsListener"
            ])
        );
    }
}
