//! `Vpc`: a VPC with public and private subnets across availability zones, or an existing one
//! imported by ID or by parameter, behind the same accessors.

use std::net::Ipv4Addr;

use crate::model::handle::Handle;
use crate::model::stack::{Parameter, Stack};
use crate::model::tag::Tag;
use crate::model::value::{List, Value};
use crate::resources::ec2;
use crate::resources::ec2::security_group;
use crate::resources::ec2::vpc_endpoint::VpcEndpointType;
use crate::{fns, pseudo};

use super::{part_id, rules};

/// NAT gateways: how tasks in private subnets reach the internet.
///
/// A NAT gateway costs about $0.045 an hour (some $32 a month) plus a charge per GB it
/// processes, in us-east-1, for each gateway; hence none by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NatGateways {
    /// No NAT gateway. The default (cost). Private subnets then have **no route to the
    /// internet**: a Fargate task there cannot pull an image from ECR or Docker Hub, send its
    /// logs to CloudWatch or read Secrets Manager unless the VPC has endpoints for those
    /// services (see [`VpcEndpoints::for_private_fargate`]). Without NAT or endpoints, run
    /// tasks in the public subnets with a public IP (`assign_public_ip`), or pick
    /// [`NatGateways::One`].
    #[default]
    None,
    /// One NAT gateway, in the first public subnet, shared by every private subnet. Cheap,
    /// but the private subnets of the other zones lose the internet when that zone fails.
    One,
    /// One NAT gateway per availability zone: each private subnet uses the one in its zone.
    PerAz,
}

/// VPC endpoints that let tasks in private subnets reach AWS services without NAT.
///
/// Interface endpoints cost about $0.01 an hour per zone (some $7 a month) each, plus a
/// charge per GB; the S3 gateway endpoint is free.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VpcEndpoints {
    /// An S3 gateway endpoint in the private route tables (free; ECR serves image layers
    /// from S3, so pulling from ECR needs it). Default: `false`.
    pub s3_gateway: bool,
    /// Interface endpoints for `ecr.api` and `ecr.dkr` (image pulls). Default: `false`.
    pub ecr: bool,
    /// An interface endpoint for CloudWatch Logs (the `awslogs` driver). Default: `false`.
    pub logs: bool,
    /// Other interface endpoints, by service name after `com.amazonaws.<region>.`:
    /// `"secretsmanager"`, `"ssm"`, `"sqs"`... Default: none.
    pub interfaces: Vec<String>,
}

impl VpcEndpoints {
    /// What a Fargate task in a private subnet without NAT needs to start: S3 gateway, ECR
    /// (api, dkr) and Logs. Add `"secretsmanager"` or `"ssm"` to `interfaces` when the task
    /// reads secrets from there.
    pub fn for_private_fargate() -> Self {
        VpcEndpoints {
            s3_gateway: true,
            ecr: true,
            logs: true,
            interfaces: Vec::new(),
        }
    }

    fn interface_services(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.ecr {
            out.push("ecr.api".to_owned());
            out.push("ecr.dkr".to_owned());
        }
        if self.logs {
            out.push("logs".to_owned());
        }
        for s in &self.interfaces {
            if !out.contains(s) {
                out.push(s.clone());
            }
        }
        out
    }
}

/// The settings of a [`Vpc`] created by [`Vpc::new`].
#[derive(Clone, Debug)]
pub struct VpcProps {
    /// The VPC's IPv4 CIDR block, `/16` to `/28`. Default: `10.0.0.0/16`.
    pub cidr: String,
    /// How many availability zones to spread over (1 to 6): one public and one private
    /// subnet in each, in the first zones `Fn::GetAZs` lists. Default: 2 (every region has
    /// at least 2 zones available to new accounts, and an ALB needs 2).
    pub max_azs: u8,
    /// The prefix length of every subnet. Default: the VPC's block divided evenly between
    /// the subnets (a `/16` with 2 zones gives four `/18`).
    pub subnet_prefix: Option<u8>,
    /// Create a private subnet in each zone, beside the public one. Default: `true` (tasks
    /// and instances belong in private subnets; only load balancers and NAT gateways face
    /// the internet). With `false` the VPC has public subnets only, [`Vpc::private_subnets`]
    /// is empty, and NAT gateways and endpoints (which serve private subnets) are refused:
    /// run tasks in the public subnets with `assign_public_ip`.
    pub private_subnets: bool,
    /// NAT gateways. Default: [`NatGateways::None`], see there for what that means.
    pub nat: NatGateways,
    /// Give instances launched in the public subnets a public IP (`MapPublicIpOnLaunch`).
    /// Default: `false`: Fargate tasks get one from their service's `assign_public_ip`,
    /// load balancers and NAT gateways bring their own; only EC2 instances that must reach
    /// the internet without NAT need it.
    pub map_public_ip_on_launch: bool,
    /// VPC endpoints. Default: none.
    pub endpoints: VpcEndpoints,
}

impl Default for VpcProps {
    fn default() -> Self {
        VpcProps {
            cidr: "10.0.0.0/16".to_owned(),
            max_azs: 2,
            subnet_prefix: None,
            private_subnets: true,
            nat: NatGateways::None,
            map_public_ip_on_launch: false,
            endpoints: VpcEndpoints::default(),
        }
    }
}

/// The resources of a VPC created by [`Vpc::new`] (the escape hatch).
#[derive(Clone, Debug)]
pub struct VpcResources {
    /// The `AWS::EC2::VPC`.
    pub vpc: Handle<ec2::Vpc>,
    /// The internet gateway.
    pub internet_gateway: Handle<ec2::InternetGateway>,
    /// The internet gateway's attachment: resources that need the gateway attached depend
    /// on it.
    pub gateway_attachment: Handle<ec2::VpcGatewayAttachment>,
    /// Public subnets, one per zone.
    pub public_subnets: Vec<Handle<ec2::Subnet>>,
    /// Private subnets, one per zone.
    pub private_subnets: Vec<Handle<ec2::Subnet>>,
    /// The route table of the public subnets.
    pub public_route_table: Handle<ec2::RouteTable>,
    /// The route tables of the private subnets, one per zone.
    pub private_route_tables: Vec<Handle<ec2::RouteTable>>,
    /// NAT gateways (none, one, or one per zone).
    pub nat_gateways: Vec<Handle<ec2::NatGateway>>,
    /// VPC endpoints, in the order: S3 gateway, then interface endpoints.
    pub endpoints: Vec<Handle<ec2::VpcEndpoint>>,
}

/// A VPC for ECS services and load balancers: created with public and private subnets in
/// N availability zones ([`Vpc::new`]), or an existing one, by ID ([`Vpc::from_ids`]) or by
/// template parameters ([`Vpc::from_parameters`]). The accessors are the same for all three.
///
/// ```
/// use ferroform::Stack;
/// use ferroform::ecs::{NatGateways, Vpc, VpcProps};
/// let mut stack = Stack::new("Network");
/// let vpc = Vpc::new(&mut stack, "Vpc", VpcProps { nat: NatGateways::One, ..Default::default() });
/// let body = stack.to_template().unwrap().body().clone();
/// assert_eq!(body["Resources"]["VpcPublicSubnet1"]["Properties"]["CidrBlock"], "10.0.0.0/18");
/// assert_eq!(body["Resources"]["VpcPrivateSubnet2"]["Properties"]["CidrBlock"], "10.0.192.0/18");
/// assert_eq!(body["Resources"]["VpcPublicDefaultRoute"]["DependsOn"], "VpcGatewayAttachment");
/// let subnets = vpc.private_subnets(); // for ServiceNetworking
/// # let _ = subnets;
/// ```
///
/// Importing an existing VPC:
///
/// ```
/// use ferroform::Stack;
/// use ferroform::ecs::Vpc;
/// let mut stack = Stack::new("Service");
/// let vpc = Vpc::from_parameters(&mut stack, "Network");
/// // Parameters NetworkVpcId (AWS::EC2::VPC::Id), NetworkPublicSubnets and
/// // NetworkPrivateSubnets (List<AWS::EC2::Subnet::Id>).
/// let fixed = Vpc::from_ids("vpc-0abc", ["subnet-1", "subnet-2"], ["subnet-3", "subnet-4"]);
/// # let _ = (vpc.vpc_id(), fixed.private_subnets());
/// ```
#[derive(Clone, Debug)]
pub struct Vpc {
    vpc_id: Value<String>,
    public_subnets: Value<List<String>>,
    private_subnets: Value<List<String>>,
    resources: Option<VpcResources>,
}

/// An IPv4 CIDR block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Cidr {
    base: u32,
    prefix: u8,
}

impl Cidr {
    fn parse(s: &str) -> Result<Cidr, String> {
        let (addr, prefix) = s
            .split_once('/')
            .ok_or_else(|| format!("`{s}` is not a CIDR block (`a.b.c.d/n`)"))?;
        let addr: Ipv4Addr = addr
            .parse()
            .map_err(|_| format!("`{addr}` is not an IPv4 address"))?;
        let prefix: u8 = prefix
            .parse()
            .ok()
            .filter(|p| *p <= 32)
            .ok_or_else(|| format!("`{prefix}` is not a prefix length (0 to 32)"))?;
        let base = u32::from(addr);
        if prefix < 32 && base & (u32::MAX >> prefix) != 0 {
            return Err(format!(
                "`{s}` has host bits set: the block starts at {}/{prefix}",
                Ipv4Addr::from(base & !(u32::MAX >> prefix))
            ));
        }
        Ok(Cidr { base, prefix })
    }

    /// Block `index` of size `/prefix` inside this block.
    fn subnet(self, prefix: u8, index: u32) -> String {
        let size = 1u64 << (32 - u32::from(prefix));
        let base = u64::from(self.base) + u64::from(index) * size;
        format!("{}/{prefix}", Ipv4Addr::from(base as u32))
    }
}

/// `ecr.api` → `EcrApi`: a service name as a logical-ID part.
fn camel(service: &str) -> String {
    service
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Subnet CIDR blocks for `count` subnets in `vpc`: the prefix length and the blocks.
fn plan_subnets(vpc: &str, count: u32, prefix: Option<u8>) -> Result<(u8, Vec<String>), String> {
    let cidr = Cidr::parse(vpc)?;
    if !(16..=28).contains(&cidr.prefix) {
        return Err(format!(
            "the VPC block `{vpc}` is /{}; a VPC's IPv4 block is /16 to /28",
            cidr.prefix
        ));
    }
    // Bits needed to number `count` subnets.
    let bits = u8::try_from(32 - (count.max(1) - 1).leading_zeros()).unwrap_or(32);
    let needed = cidr.prefix + bits;
    let prefix = prefix.unwrap_or(needed);
    if prefix < needed {
        return Err(format!(
            "{count} subnets of /{prefix} do not fit in `{vpc}`: use /{needed} or longer"
        ));
    }
    if prefix > 28 {
        return Err(format!(
            "subnets would be /{prefix}; a subnet is /16 to /28 (use a larger VPC block or fewer zones)"
        ));
    }
    Ok((prefix, (0..count).map(|i| cidr.subnet(prefix, i)).collect()))
}

/// The `Name` tag of part `part` of VPC `id`: `<stack name>/<id><part>`.
fn tag_name(id: &str, part: &str) -> Value<String> {
    fns::join("/", vec![pseudo::stack_name(), part_id(id, part).into()])
}

impl Vpc {
    /// Create a VPC in `stack` with logical-ID prefix `id`: the VPC `<id>`, an internet
    /// gateway `<id>InternetGateway` attached by `<id>GatewayAttachment`, public subnets
    /// `<id>PublicSubnet1..N` sharing `<id>PublicRouteTable` with `<id>PublicDefaultRoute` to
    /// the gateway, private subnets `<id>PrivateSubnet1..N` with a route table each
    /// (`<id>PrivateSubnet1RouteTable`), NAT gateways `<id>NatGateway1..` with their
    /// Elastic IPs when asked, and endpoints `<id>S3Endpoint`, `<id>EcrApiEndpoint`...
    ///
    /// Every resource that needs the internet gateway attached (the default route, the
    /// Elastic IPs) depends on the attachment. Bad settings (a malformed CIDR, too many
    /// zones) are reported at synth.
    pub fn new(stack: &mut Stack, id: &str, props: VpcProps) -> Self {
        let (azs, cidr, subnet_cidrs) = Self::plan(stack, id, &props);
        let name = |part: &str| tag_name(id, part);
        let vpc = stack.add(
            id,
            ec2::Vpc::new()
                .cidr_block(cidr.clone())
                .enable_dns_hostnames(true)
                .enable_dns_support(true)
                .tags(vec![Tag::new("Name", name(""))]),
        );
        let igw = stack.add(
            &part_id(id, "InternetGateway"),
            ec2::InternetGateway::new().tags(vec![Tag::new("Name", name(""))]),
        );
        let attachment = stack.add(
            &part_id(id, "GatewayAttachment"),
            ec2::VpcGatewayAttachment::new(vpc.to_ref()).internet_gateway_id(igw.to_ref()),
        );

        let public_routes = stack.add(
            &part_id(id, "PublicRouteTable"),
            ec2::RouteTable::new(vpc.to_ref()).tags(vec![Tag::new("Name", name("Public"))]),
        );
        let default_route = stack.add(
            &part_id(id, "PublicDefaultRoute"),
            ec2::Route::new(public_routes.to_ref())
                .destination_cidr_block("0.0.0.0/0")
                .gateway_id(igw.to_ref()),
        );
        // A route to the gateway fails unless the gateway is attached; nothing in the
        // route's properties says so.
        stack.options(&default_route).depends_on(&attachment);

        let az = |i: u32| fns::select(i64::from(i), fns::get_azs(""));
        let mut public_subnets = Vec::new();
        let mut private_subnets = Vec::new();
        let mut private_route_tables = Vec::new();
        for i in 0..azs {
            let n = i + 1;
            let block = subnet_cidrs.get(i as usize).cloned().unwrap_or_default();
            let subnet_id = part_id(id, &format!("PublicSubnet{n}"));
            let subnet = stack.add(
                &subnet_id,
                ec2::Subnet::new(vpc.to_ref())
                    .cidr_block(block)
                    .availability_zone(az(i))
                    .map_public_ip_on_launch(props.map_public_ip_on_launch)
                    .tags(vec![Tag::new("Name", name(&format!("PublicSubnet{n}")))]),
            );
            stack.add(
                &part_id(&subnet_id, "RouteTableAssociation"),
                ec2::SubnetRouteTableAssociation::new(ec2::SubnetRouteTableAssociationRequired {
                    route_table_id: public_routes.to_ref(),
                    subnet_id: subnet.to_ref(),
                }),
            );
            public_subnets.push(subnet);
        }
        for i in (0..azs).filter(|_| props.private_subnets) {
            let n = i + 1;
            let block = subnet_cidrs
                .get((azs + i) as usize)
                .cloned()
                .unwrap_or_default();
            let subnet_id = part_id(id, &format!("PrivateSubnet{n}"));
            let subnet = stack.add(
                &subnet_id,
                ec2::Subnet::new(vpc.to_ref())
                    .cidr_block(block)
                    .availability_zone(az(i))
                    .map_public_ip_on_launch(false)
                    .tags(vec![Tag::new("Name", name(&format!("PrivateSubnet{n}")))]),
            );
            let routes = stack.add(
                &part_id(&subnet_id, "RouteTable"),
                ec2::RouteTable::new(vpc.to_ref())
                    .tags(vec![Tag::new("Name", name(&format!("PrivateSubnet{n}")))]),
            );
            stack.add(
                &part_id(&subnet_id, "RouteTableAssociation"),
                ec2::SubnetRouteTableAssociation::new(ec2::SubnetRouteTableAssociationRequired {
                    route_table_id: routes.to_ref(),
                    subnet_id: subnet.to_ref(),
                }),
            );
            private_subnets.push(subnet);
            private_route_tables.push(routes);
        }

        let nat_gateways = Self::add_nat_gateways(
            stack,
            id,
            &props,
            azs,
            &attachment,
            &public_subnets,
            &private_route_tables,
        );

        let endpoints = Self::add_endpoints(
            stack,
            id,
            &props,
            &vpc,
            &cidr,
            &private_subnets,
            &private_route_tables,
        );

        let list = |subnets: &[Handle<ec2::Subnet>]| -> Value<List<String>> {
            Value::lit(
                subnets
                    .iter()
                    .map(super::super::model::handle::Handle::to_ref)
                    .collect(),
            )
        };
        Vpc {
            vpc_id: vpc.to_ref(),
            public_subnets: list(&public_subnets),
            private_subnets: list(&private_subnets),
            resources: Some(VpcResources {
                vpc,
                internet_gateway: igw,
                gateway_attachment: attachment,
                public_subnets,
                private_subnets,
                public_route_table: public_routes,
                private_route_tables,
                nat_gateways,
                endpoints,
            }),
        }
    }

    /// The number of zones, the VPC's CIDR block and the subnets' blocks (public first),
    /// reporting settings that cannot work; a bad CIDR falls back to 10.0.0.0/16 so the rest
    /// of the stack still renders.
    fn plan(stack: &mut Stack, id: &str, props: &VpcProps) -> (u32, String, Vec<String>) {
        let azs = u32::from(props.max_azs.clamp(1, 6));
        if props.max_azs == 0 || props.max_azs > 6 {
            stack.report_error(
                rules::INVALID_INPUT,
                Some(id),
                format!("Vpc `{id}`: max_azs is {}, not 1 to 6", props.max_azs),
                "spread the VPC over 1 to 6 availability zones (2 or 3 is usual)",
            );
        }
        let tiers = if props.private_subnets { 2 } else { 1 };
        if !props.private_subnets
            && (props.nat != NatGateways::None || props.endpoints != VpcEndpoints::default())
        {
            stack.report_error(
                rules::INVALID_INPUT,
                Some(id),
                format!(
                    "Vpc `{id}` has no private subnets, but NAT gateways or endpoints for them"
                ),
                "keep private_subnets: true, or drop nat and endpoints",
            );
        }
        let (cidr, subnet_cidrs) = match plan_subnets(&props.cidr, tiers * azs, props.subnet_prefix)
        {
            Ok((_, blocks)) => (props.cidr.clone(), blocks),
            Err(why) => {
                stack.report_error(
                    rules::INVALID_INPUT,
                    Some(id),
                    format!("Vpc `{id}`: {why}"),
                    "give `cidr` as `a.b.c.d/n` with n from 16 to 28, e.g. 10.0.0.0/16",
                );
                // Keep building with a valid plan so the rest of the stack renders.
                let fallback = plan_subnets("10.0.0.0/16", tiers * azs, None)
                    .map(|(_, b)| b)
                    .unwrap_or_default();
                ("10.0.0.0/16".to_owned(), fallback)
            }
        };
        (azs, cidr, subnet_cidrs)
    }

    /// The NAT gateways (none, one, or one per zone) with their Elastic IPs, and the
    /// private subnets' default routes through them.
    #[allow(clippy::too_many_arguments)]
    fn add_nat_gateways(
        stack: &mut Stack,
        id: &str,
        props: &VpcProps,
        azs: u32,
        attachment: &Handle<ec2::VpcGatewayAttachment>,
        public_subnets: &[Handle<ec2::Subnet>],
        private_route_tables: &[Handle<ec2::RouteTable>],
    ) -> Vec<Handle<ec2::NatGateway>> {
        let name = |part: &str| tag_name(id, part);
        let nat_count = match props.nat {
            _ if !props.private_subnets => 0,
            NatGateways::None => 0,
            NatGateways::One => 1,
            NatGateways::PerAz => azs,
        };
        let mut nat_gateways = Vec::new();
        for j in 0..nat_count {
            let n = j + 1;
            let nat_id = part_id(id, &format!("NatGateway{n}"));
            let eip = stack.add(
                &part_id(&nat_id, "Eip"),
                ec2::Eip::new()
                    .domain("vpc")
                    .tags(vec![Tag::new("Name", name(&format!("NatGateway{n}")))]),
            );
            // An Elastic IP for a VPC of the same template needs the gateway attached first
            // (AWS::EC2::EIP documentation).
            stack.options(&eip).depends_on(attachment);
            let nat = stack.add(
                &nat_id,
                ec2::NatGateway::new()
                    .allocation_id(eip.attr_allocation_id())
                    .subnet_id(public_subnets[j as usize].to_ref())
                    .tags(vec![Tag::new("Name", name(&format!("NatGateway{n}")))]),
            );
            nat_gateways.push(nat);
        }
        if !nat_gateways.is_empty() {
            for (i, routes) in private_route_tables.iter().enumerate() {
                let nat = &nat_gateways[i.min(nat_gateways.len() - 1)];
                stack.add(
                    &part_id(id, &format!("PrivateSubnet{}DefaultRoute", i + 1)),
                    ec2::Route::new(routes.to_ref())
                        .destination_cidr_block("0.0.0.0/0")
                        .nat_gateway_id(nat.to_ref()),
                );
            }
        }

        nat_gateways
    }

    /// The S3 gateway endpoint and the interface endpoints, with their security group.
    #[allow(clippy::too_many_arguments)]
    fn add_endpoints(
        stack: &mut Stack,
        id: &str,
        props: &VpcProps,
        vpc: &Handle<ec2::Vpc>,
        cidr: &str,
        private_subnets: &[Handle<ec2::Subnet>],
        private_route_tables: &[Handle<ec2::RouteTable>],
    ) -> Vec<Handle<ec2::VpcEndpoint>> {
        let mut endpoints = Vec::new();
        if props.endpoints.s3_gateway {
            endpoints.push(
                stack.add(
                    &part_id(id, "S3Endpoint"),
                    ec2::VpcEndpoint::new(vpc.to_ref())
                        .service_name(fns::sub("com.amazonaws.${AWS::Region}.s3"))
                        .vpc_endpoint_type(VpcEndpointType::Gateway)
                        .route_table_ids(Value::lit(
                            private_route_tables
                                .iter()
                                .map(super::super::model::handle::Handle::to_ref)
                                .collect(),
                        )),
                ),
            );
        }
        let services = props.endpoints.interface_services();
        if !services.is_empty() {
            let sg = stack.add(
                &part_id(id, "EndpointSecurityGroup"),
                ec2::SecurityGroup::new("HTTPS from the VPC to its interface endpoints")
                    .vpc_id(vpc.to_ref())
                    .security_group_ingress(vec![
                        security_group::Ingress::new("tcp")
                            .cidr_ip(cidr.to_owned())
                            .from_port(443)
                            .to_port(443)
                            .description("HTTPS from the VPC"),
                    ])
                    .security_group_egress(vec![
                        security_group::Egress::new("-1")
                            .cidr_ip("127.0.0.1/32")
                            .description("No egress: endpoints only answer"),
                    ]),
            );
            for service in services {
                endpoints.push(
                    stack.add(
                        &part_id(id, &format!("{}Endpoint", camel(&service))),
                        ec2::VpcEndpoint::new(vpc.to_ref())
                            .service_name(fns::sub(format!(
                                "com.amazonaws.${{AWS::Region}}.{service}"
                            )))
                            .vpc_endpoint_type(VpcEndpointType::Interface)
                            .private_dns_enabled(true)
                            .subnet_ids(Value::lit(
                                private_subnets
                                    .iter()
                                    .map(super::super::model::handle::Handle::to_ref)
                                    .collect(),
                            ))
                            .security_group_ids(vec![sg.attr_group_id()]),
                    ),
                );
            }
        }

        endpoints
    }

    /// An existing VPC and its subnets, by ID (or any value: imports, `Fn::Split`...).
    pub fn from_ids<P, Q>(
        vpc_id: impl Into<Value<String>>,
        public_subnets: impl IntoIterator<Item = P>,
        private_subnets: impl IntoIterator<Item = Q>,
    ) -> Self
    where
        P: Into<Value<String>>,
        Q: Into<Value<String>>,
    {
        Vpc {
            vpc_id: vpc_id.into(),
            public_subnets: Value::lit(public_subnets.into_iter().map(Into::into).collect()),
            private_subnets: Value::lit(private_subnets.into_iter().map(Into::into).collect()),
            resources: None,
        }
    }

    /// An existing VPC by its attributes, each a literal or any value: a `List<...>`
    /// parameter's `Ref`, an import, `Fn::Split`... A VPC without private subnets can be
    /// given its public subnets twice.
    ///
    /// ```
    /// use ferroform::{Parameter, Stack};
    /// use ferroform::ecs::Vpc;
    /// let mut stack = Stack::new("Web");
    /// let subnets = stack.parameter("Subnets", Parameter::aws_list("AWS::EC2::Subnet::Id"));
    /// let vpc = Vpc::from_attributes("vpc-0123456789abcdef0", subnets.to_ref(), subnets.to_ref());
    /// assert!(!vpc.is_created());
    /// ```
    pub fn from_attributes(
        vpc_id: impl Into<Value<String>>,
        public_subnets: impl Into<Value<List<String>>>,
        private_subnets: impl Into<Value<List<String>>>,
    ) -> Self {
        Vpc {
            vpc_id: vpc_id.into(),
            public_subnets: public_subnets.into(),
            private_subnets: private_subnets.into(),
            resources: None,
        }
    }

    /// An existing VPC chosen at deploy time: adds the parameters `<id>VpcId`
    /// (`AWS::EC2::VPC::Id`), `<id>PublicSubnets` and `<id>PrivateSubnets`
    /// (`List<AWS::EC2::Subnet::Id>`), which the console offers as drop-downs and
    /// CloudFormation checks exist. A VPC without private subnets can be given its public
    /// subnets twice.
    pub fn from_parameters(stack: &mut Stack, id: &str) -> Self {
        let vpc = stack.parameter(
            &part_id(id, "VpcId"),
            Parameter::aws("AWS::EC2::VPC::Id").description("The VPC"),
        );
        let public = stack.parameter(
            &part_id(id, "PublicSubnets"),
            Parameter::aws_list("AWS::EC2::Subnet::Id")
                .description("Public subnets of the VPC (load balancers)"),
        );
        let private = stack.parameter(
            &part_id(id, "PrivateSubnets"),
            Parameter::aws_list("AWS::EC2::Subnet::Id")
                .description("Private subnets of the VPC (tasks)"),
        );
        Vpc {
            vpc_id: vpc.to_ref(),
            public_subnets: public.to_ref(),
            private_subnets: private.to_ref(),
            resources: None,
        }
    }

    /// The VPC ID.
    pub fn vpc_id(&self) -> Value<String> {
        self.vpc_id.clone()
    }

    /// The public subnets (load balancers; tasks with a public IP).
    pub fn public_subnets(&self) -> Value<List<String>> {
        self.public_subnets.clone()
    }

    /// The private subnets (tasks; they reach the internet only through NAT or endpoints).
    pub fn private_subnets(&self) -> Value<List<String>> {
        self.private_subnets.clone()
    }

    /// The resources, when this VPC was created by [`Vpc::new`] (the escape hatch).
    pub fn resources(&self) -> Option<&VpcResources> {
        self.resources.as_ref()
    }

    /// True when this VPC was created by [`Vpc::new`] rather than imported.
    pub fn is_created(&self) -> bool {
        self.resources.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Issue #10, 4: a VPC with public subnets only (and no NAT): nothing private is made,
    /// the public subnets share the block, and NAT without private subnets is an error.
    #[test]
    fn a_vpc_without_private_subnets() {
        let mut stack = Stack::new("S");
        let vpc = Vpc::new(
            &mut stack,
            "Net",
            VpcProps {
                private_subnets: false,
                ..VpcProps::default()
            },
        );
        let t = stack.to_template().unwrap();
        let r = t.body()["Resources"].as_object().unwrap();
        assert!(
            !r.keys().any(|k| k.contains("Private") || k.contains("Nat")),
            "{:?}",
            r.keys()
        );
        assert_eq!(
            r["NetPublicSubnet2"]["Properties"]["CidrBlock"],
            "10.0.128.0/17"
        );
        assert_eq!(vpc.private_subnets().as_lit().map(Vec::len), Some(0));

        let mut stack = Stack::new("S");
        Vpc::new(
            &mut stack,
            "Net",
            VpcProps {
                private_subnets: false,
                nat: NatGateways::One,
                ..VpcProps::default()
            },
        );
        assert!(
            stack
                .to_template()
                .unwrap_err()
                .to_string()
                .contains("no private subnets")
        );
    }

    #[test]
    fn cidr_plans_follow_the_block() {
        let (p, blocks) = plan_subnets("10.0.0.0/16", 4, None).unwrap();
        assert_eq!(p, 18);
        assert_eq!(
            blocks,
            [
                "10.0.0.0/18",
                "10.0.64.0/18",
                "10.0.128.0/18",
                "10.0.192.0/18"
            ]
        );
        // 6 subnets need 3 bits.
        let (p, blocks) = plan_subnets("172.16.0.0/16", 6, None).unwrap();
        assert_eq!(p, 19);
        assert_eq!(blocks[5], "172.16.160.0/19");
        let (p, blocks) = plan_subnets("10.1.0.0/16", 4, Some(24)).unwrap();
        assert_eq!(p, 24);
        assert_eq!(blocks[3], "10.1.3.0/24");
        // Two subnets need one bit.
        assert_eq!(plan_subnets("10.0.0.0/24", 2, None).unwrap().0, 25);
    }

    #[test]
    fn bad_cidrs_are_errors() {
        assert!(plan_subnets("10.0.0.0", 4, None).is_err());
        assert!(plan_subnets("10.0.0.300/16", 4, None).is_err());
        assert!(plan_subnets("10.0.0.1/16", 4, None).is_err());
        assert!(plan_subnets("10.0.0.0/8", 4, None).is_err()); // VPCs are /16 to /28
        assert!(plan_subnets("10.0.0.0/27", 4, None).is_err()); // /29 subnets
        assert!(plan_subnets("10.0.0.0/16", 4, Some(17)).is_err()); // do not fit
    }

    #[test]
    fn bad_props_are_reported_at_synth() {
        let mut stack = Stack::new("S");
        Vpc::new(
            &mut stack,
            "Vpc",
            VpcProps {
                cidr: "10.0.0.0/33".into(),
                max_azs: 9,
                ..Default::default()
            },
        );
        let err = stack.to_template().unwrap_err();
        assert_eq!(err.diagnostics.len(), 2, "{err}");
        assert!(
            err.diagnostics
                .iter()
                .all(|d| d.rule == rules::INVALID_INPUT)
        );
    }

    #[test]
    fn default_vpc_has_no_nat_and_isolated_private_subnets() {
        let mut stack = Stack::new("S");
        let vpc = Vpc::new(&mut stack, "Net", VpcProps::default());
        let t = stack.to_template().unwrap();
        let r = t.resources().unwrap();
        let count = |ty: &str| r.values().filter(|v| v["Type"] == ty).count();
        assert_eq!(count("AWS::EC2::VPC"), 1);
        assert_eq!(count("AWS::EC2::Subnet"), 4);
        assert_eq!(count("AWS::EC2::NatGateway"), 0);
        assert_eq!(count("AWS::EC2::EIP"), 0);
        assert_eq!(count("AWS::EC2::RouteTable"), 3);
        // Only the public route table has a route (to the internet gateway).
        assert_eq!(count("AWS::EC2::Route"), 1);
        assert_eq!(
            r["NetPublicDefaultRoute"]["Properties"]["GatewayId"],
            json!({"Ref": "NetInternetGateway"})
        );
        assert_eq!(
            r["NetPrivateSubnet1"]["Properties"]["AvailabilityZone"],
            json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]})
        );
        assert_eq!(
            r["NetPrivateSubnet2"]["Properties"]["AvailabilityZone"],
            json!({"Fn::Select": [1, {"Fn::GetAZs": ""}]})
        );
        assert_eq!(
            r["NetPublicSubnet1"]["Properties"]["MapPublicIpOnLaunch"],
            false
        );
        let mut cx = crate::model::render::RenderCx::detached();
        use crate::model::render::Render;
        assert_eq!(
            vpc.private_subnets().render(&mut cx),
            json!([{"Ref": "NetPrivateSubnet1"}, {"Ref": "NetPrivateSubnet2"}])
        );
        assert_eq!(
            vpc.public_subnets().render(&mut cx),
            json!([{"Ref": "NetPublicSubnet1"}, {"Ref": "NetPublicSubnet2"}])
        );
        assert_eq!(vpc.resources().unwrap().private_route_tables.len(), 2);
    }

    #[test]
    fn nat_per_az_routes_each_private_subnet_through_its_zone() {
        let mut stack = Stack::new("S");
        Vpc::new(
            &mut stack,
            "Net",
            VpcProps {
                max_azs: 3,
                nat: NatGateways::PerAz,
                ..Default::default()
            },
        );
        let t = stack.to_template().unwrap();
        let r = t.resources().unwrap();
        for n in 1..=3 {
            let nat = &r[&format!("NetNatGateway{n}")];
            assert_eq!(
                nat["Properties"]["SubnetId"],
                json!({"Ref": format!("NetPublicSubnet{n}")})
            );
            assert_eq!(
                nat["Properties"]["AllocationId"],
                json!({"Fn::GetAtt": [format!("NetNatGateway{n}Eip"), "AllocationId"]})
            );
            assert_eq!(
                r[&format!("NetNatGateway{n}Eip")]["DependsOn"],
                "NetGatewayAttachment"
            );
            let route = &r[&format!("NetPrivateSubnet{n}DefaultRoute")];
            assert_eq!(
                route["Properties"]["NatGatewayId"],
                json!({"Ref": format!("NetNatGateway{n}")})
            );
            assert_eq!(
                route["Properties"]["RouteTableId"],
                json!({"Ref": format!("NetPrivateSubnet{n}RouteTable")})
            );
        }
    }

    #[test]
    fn one_nat_serves_every_private_subnet() {
        let mut stack = Stack::new("S");
        Vpc::new(
            &mut stack,
            "Net",
            VpcProps {
                nat: NatGateways::One,
                ..Default::default()
            },
        );
        let t = stack.to_template().unwrap();
        let r = t.resources().unwrap();
        assert!(r.get("NetNatGateway2").is_none());
        for n in 1..=2 {
            assert_eq!(
                r[&format!("NetPrivateSubnet{n}DefaultRoute")]["Properties"]["NatGatewayId"],
                json!({"Ref": "NetNatGateway1"})
            );
        }
    }

    #[test]
    fn endpoints_for_private_fargate() {
        let mut stack = Stack::new("S");
        let vpc = Vpc::new(
            &mut stack,
            "Net",
            VpcProps {
                endpoints: VpcEndpoints::for_private_fargate(),
                ..Default::default()
            },
        );
        assert_eq!(vpc.resources().unwrap().endpoints.len(), 4);
        let t = stack.to_template().unwrap();
        let r = t.resources().unwrap();
        let s3 = &r["NetS3Endpoint"]["Properties"];
        assert_eq!(s3["VpcEndpointType"], "Gateway");
        assert_eq!(
            s3["ServiceName"],
            json!({"Fn::Sub": "com.amazonaws.${AWS::Region}.s3"})
        );
        assert_eq!(
            s3["RouteTableIds"],
            json!([{"Ref": "NetPrivateSubnet1RouteTable"}, {"Ref": "NetPrivateSubnet2RouteTable"}])
        );
        for (logical, service) in [
            ("NetEcrApiEndpoint", "ecr.api"),
            ("NetEcrDkrEndpoint", "ecr.dkr"),
            ("NetLogsEndpoint", "logs"),
        ] {
            let e = &r[logical]["Properties"];
            assert_eq!(e["VpcEndpointType"], "Interface");
            assert_eq!(e["PrivateDnsEnabled"], true);
            assert_eq!(
                e["ServiceName"],
                json!({"Fn::Sub": format!("com.amazonaws.${{AWS::Region}}.{service}")})
            );
        }
        let sg = &r["NetEndpointSecurityGroup"]["Properties"];
        assert_eq!(sg["SecurityGroupIngress"][0]["FromPort"], 443);
        assert_eq!(sg["SecurityGroupIngress"][0]["CidrIp"], "10.0.0.0/16");
    }

    #[test]
    fn imported_vpcs_have_the_same_accessors() {
        let mut stack = Stack::new("S");
        let vpc = Vpc::from_parameters(&mut stack, "Net");
        stack.output("Vpc", vpc.vpc_id());
        stack.output("Subnets", fns::join(",", vpc.private_subnets()));
        let t = stack.to_template().unwrap();
        let p = &t.body()["Parameters"];
        assert_eq!(p["NetVpcId"]["Type"], "AWS::EC2::VPC::Id");
        assert_eq!(p["NetPrivateSubnets"]["Type"], "List<AWS::EC2::Subnet::Id>");
        assert_eq!(p["NetPublicSubnets"]["Type"], "List<AWS::EC2::Subnet::Id>");
        assert_eq!(
            t.body()["Outputs"]["Subnets"]["Value"],
            json!({"Fn::Join": [",", {"Ref": "NetPrivateSubnets"}]})
        );
        assert!(!vpc.is_created());

        let fixed = Vpc::from_ids("vpc-1", ["subnet-a"], ["subnet-b", "subnet-c"]);
        let mut cx = crate::model::render::RenderCx::detached();
        use crate::model::render::Render;
        assert_eq!(fixed.vpc_id().render(&mut cx), json!("vpc-1"));
        assert_eq!(
            fixed.private_subnets().render(&mut cx),
            json!(["subnet-b", "subnet-c"])
        );
        assert_eq!(fixed.public_subnets().render(&mut cx), json!(["subnet-a"]));
        assert_eq!(
            vpc.public_subnets().render(&mut cx),
            json!({"Ref": "NetPublicSubnets"})
        );
    }
}
