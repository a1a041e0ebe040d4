//! Which resources are drawn as nodes and which are folded into another's node: rules on
//! the resource types, and the placement of one stack's resources by them.

use indexmap::{IndexMap, IndexSet};

use super::NodeKind;
use super::read::{MAX_DEPTH, Stack};

/// What is done with a resource of some type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Rule {
    /// Drawn as a node of this kind.
    Draw(NodeKind),
    /// Folded into the resource referred to under one of these JSON pointers into its
    /// properties (the first that refers to one; `""`: anywhere, preferring a resource
    /// drawn with a kind other than [`NodeKind::Other`]); drawn as a node of the given kind
    /// when none is in the template.
    Into(&'static [&'static str], NodeKind),
    /// Folded into a resource that refers to it, the closest to the tasks first
    /// ([`referrer_rank`]); drawn as [`NodeKind::Other`] when nothing refers to it.
    Referrer,
    /// Folded into the stack's network node.
    Network,
    /// A security group: folded into every resource that holds it; drawn as a node of its
    /// own when none does.
    Held,
    /// Not drawn ([`super::NOT_DRAWN`]).
    Omit,
}

/// The VPC's pieces: folded into one network node per stack.
const NETWORK: &[&str] = &[
    "AWS::EC2::VPC",
    "AWS::EC2::Subnet",
    "AWS::EC2::RouteTable",
    "AWS::EC2::Route",
    "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::GatewayRouteTableAssociation",
    "AWS::EC2::InternetGateway",
    "AWS::EC2::EgressOnlyInternetGateway",
    "AWS::EC2::VPCGatewayAttachment",
    "AWS::EC2::NatGateway",
    "AWS::EC2::EIP",
    "AWS::EC2::EIPAssociation",
    "AWS::EC2::VPCEndpoint",
    "AWS::EC2::NetworkAcl",
    "AWS::EC2::NetworkAclEntry",
    "AWS::EC2::SubnetNetworkAclAssociation",
    "AWS::EC2::VPCCidrBlock",
    "AWS::EC2::SubnetCidrBlock",
    "AWS::EC2::DHCPOptions",
    "AWS::EC2::VPCDHCPOptionsAssociation",
    "AWS::EC2::FlowLog",
    "AWS::EC2::PrefixList",
    "AWS::EC2::TransitGatewayAttachment",
    "AWS::EC2::TransitGatewayRouteTableAssociation",
    "AWS::EC2::VPNGateway",
    "AWS::EC2::VPNGatewayRoutePropagation",
    "AWS::EC2::VPCPeeringConnection",
];

/// The rule for resource type `ty`.
pub(super) fn rule(ty: &str) -> Rule {
    use NodeKind as K;
    use Rule::{Draw, Held, Into, Network, Omit, Referrer};
    if super::NOT_DRAWN.contains(&ty) {
        return Omit;
    }
    if NETWORK.contains(&ty) {
        return Network;
    }
    match ty {
        "AWS::ElasticLoadBalancingV2::LoadBalancer" | "AWS::ElasticLoadBalancing::LoadBalancer" => {
            Draw(K::LoadBalancer)
        }
        "AWS::ElasticLoadBalancingV2::Listener" => Into(&["/LoadBalancerArn"], K::Listener),
        "AWS::ElasticLoadBalancingV2::ListenerRule" => Into(&["/ListenerArn"], K::Listener),
        "AWS::ElasticLoadBalancingV2::ListenerCertificate" => Into(&["/ListenerArn"], K::Other),
        "AWS::ElasticLoadBalancingV2::TargetGroup" => Draw(K::TargetGroup),
        "AWS::ECS::Service" | "AWS::ECS::ExpressGatewayService" => Draw(K::Service),
        "AWS::ECS::TaskSet" | "AWS::ECS::PrimaryTaskSet" => Into(&["/Service"], K::Other),
        "AWS::ECS::TaskDefinition" => Draw(K::TaskDefinition),
        "AWS::ECR::Repository"
        | "AWS::ECR::PublicRepository"
        | "AWS::ECR::PullThroughCacheRule" => Draw(K::Repository),
        "AWS::ECS::Cluster" => Draw(K::Cluster),
        "AWS::ECS::ClusterCapacityProviderAssociations" => Into(&["/Cluster"], K::Cluster),
        "AWS::ECS::CapacityProvider" => Into(
            &["/AutoScalingGroupProvider/AutoScalingGroupArn"],
            K::Capacity,
        ),
        "AWS::AutoScaling::AutoScalingGroup" => Draw(K::Capacity),
        "AWS::AutoScaling::LifecycleHook"
        | "AWS::AutoScaling::ScalingPolicy"
        | "AWS::AutoScaling::ScheduledAction"
        | "AWS::AutoScaling::WarmPool" => Into(&["/AutoScalingGroupName"], K::Other),
        "AWS::ApplicationAutoScaling::ScalableTarget" => Draw(K::Scaling),
        "AWS::ApplicationAutoScaling::ScalingPolicy" => Into(&["/ScalingTargetId"], K::Scaling),
        "AWS::SecretsManager::Secret" | "AWS::SSM::Parameter" => Draw(K::Secret),
        "AWS::SecretsManager::SecretTargetAttachment"
        | "AWS::SecretsManager::RotationSchedule"
        | "AWS::SecretsManager::ResourcePolicy" => Into(&["/SecretId"], K::Other),
        "AWS::KMS::Key" | "AWS::KMS::ReplicaKey" => Draw(K::Key),
        "AWS::KMS::Alias" => Into(&["/TargetKeyId"], K::Other),
        "AWS::Logs::LogGroup" => Draw(K::LogGroup),
        "AWS::Logs::LogStream" | "AWS::Logs::MetricFilter" | "AWS::Logs::SubscriptionFilter" => {
            Into(&["/LogGroupName"], K::Other)
        }
        "AWS::Events::Rule" | "AWS::Scheduler::Schedule" => Draw(K::Schedule),
        "AWS::EC2::SecurityGroup" => Held,
        "AWS::EC2::SecurityGroupIngress" | "AWS::EC2::SecurityGroupEgress" => {
            Into(&["/GroupId", "/GroupName"], K::SecurityGroup)
        }
        "AWS::IAM::Role"
        | "AWS::IAM::InstanceProfile"
        | "AWS::EC2::LaunchTemplate"
        | "AWS::AutoScaling::LaunchConfiguration"
        | "AWS::CertificateManager::Certificate"
        | "AWS::ServiceDiscovery::Service" => Referrer,
        "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
            Into(&["/Roles", "/Users", "/Groups"], K::Other)
        }
        "AWS::IAM::RolePolicy" => Into(&["/RoleName"], K::Other),
        "AWS::IAM::UserPolicy" => Into(&["/UserName"], K::Other),
        "AWS::IAM::GroupPolicy" | "AWS::IAM::UserToGroupAddition" => {
            Into(&["/GroupName"], K::Other)
        }
        "AWS::RDS::DBSubnetGroup"
        | "AWS::RDS::DBParameterGroup"
        | "AWS::RDS::DBClusterParameterGroup"
        | "AWS::RDS::OptionGroup"
        | "AWS::ElastiCache::SubnetGroup"
        | "AWS::ElastiCache::ParameterGroup" => Referrer,
        "AWS::EFS::MountTarget" | "AWS::EFS::AccessPoint" => Into(&["/FileSystemId"], K::Other),
        "AWS::EC2::VolumeAttachment" | "AWS::EC2::NetworkInterfaceAttachment" => {
            Into(&["/InstanceId"], K::Other)
        }
        "AWS::ApiGateway::Resource"
        | "AWS::ApiGateway::Method"
        | "AWS::ApiGateway::Deployment"
        | "AWS::ApiGateway::Stage"
        | "AWS::ApiGateway::Authorizer"
        | "AWS::ApiGateway::Model"
        | "AWS::ApiGateway::RequestValidator"
        | "AWS::ApiGateway::GatewayResponse" => Into(&["/RestApiId"], K::Other),
        "AWS::ApiGatewayV2::Route"
        | "AWS::ApiGatewayV2::Integration"
        | "AWS::ApiGatewayV2::Stage"
        | "AWS::ApiGatewayV2::Deployment"
        | "AWS::ApiGatewayV2::Authorizer" => Into(&["/ApiId"], K::Other),
        "AWS::CloudWatch::Alarm" => Into(&[""], K::Other),
        "AWS::Lambda::Permission"
        | "AWS::Lambda::EventSourceMapping"
        | "AWS::Lambda::EventInvokeConfig"
        | "AWS::Lambda::Version"
        | "AWS::Lambda::Alias" => Into(&["/FunctionName"], K::Other),
        "AWS::S3::BucketPolicy" => Into(&["/Bucket"], K::Other),
        "AWS::SQS::QueuePolicy" => Into(&["/Queues"], K::Other),
        "AWS::SNS::TopicPolicy" => Into(&["/Topics"], K::Other),
        "AWS::SNS::Subscription" => Into(&["/TopicArn"], K::Other),
        "AWS::WAFv2::WebACLAssociation" => Into(&["/ResourceArn"], K::Other),
        "AWS::Route53::RecordSet" => Into(&["/AliasTarget/DNSName"], K::Other),
        _ => Draw(K::Other),
    }
}

/// Whether `ty` is a standalone security-group rule.
pub(super) fn is_sg_rule(ty: &str) -> bool {
    matches!(
        ty,
        "AWS::EC2::SecurityGroupIngress" | "AWS::EC2::SecurityGroupEgress"
    )
}

/// The kind a resource of type `ty` is drawn as when it is not folded.
fn kind_alone(ty: &str) -> NodeKind {
    match rule(ty) {
        Rule::Draw(k) | Rule::Into(_, k) => k,
        Rule::Held => NodeKind::SecurityGroup,
        Rule::Referrer | Rule::Network | Rule::Omit => NodeKind::Other,
    }
}

/// Which of the resources referring to a [`Rule::Referrer`] resource it is folded into:
/// the lowest rank, the first in the template among equals.
fn referrer_rank(ty: &str) -> u8 {
    match ty {
        "AWS::ECS::TaskDefinition" => 0,
        "AWS::ECS::Service" | "AWS::ECS::ExpressGatewayService" => 1,
        "AWS::IAM::InstanceProfile" => 2,
        "AWS::EC2::LaunchTemplate" | "AWS::AutoScaling::LaunchConfiguration" => 3,
        "AWS::AutoScaling::AutoScalingGroup" => 4,
        "AWS::ECS::CapacityProvider" => 5,
        t if t.starts_with("AWS::IAM::") => 20,
        _ => 10,
    }
}

/// Where one resource goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place<'a> {
    /// Drawn as its own node of this kind.
    Own(NodeKind),
    /// Folded into that resource's place.
    Fold(&'a str),
    /// Folded into the network node.
    Network,
    /// A security group, placed once its holders are known.
    Held,
    /// Not drawn.
    Omit,
}

/// A node of one stack that resources are placed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Owner<'a> {
    /// The node of this resource.
    Res(&'a str),
    /// The stack's network node.
    Network,
}

/// Where the resources of one stack are drawn.
pub(super) struct Placement<'a> {
    /// The resources drawn as nodes of their own, and the kind of each.
    pub drawn: IndexMap<&'a str, NodeKind>,
    /// The node each resource is drawn as or folded into (none for omitted ones); a
    /// security group's is the first of its holders.
    pub owner: IndexMap<&'a str, Owner<'a>>,
    /// The nodes holding each security group, in template order.
    pub holders: IndexMap<&'a str, IndexSet<Owner<'a>>>,
}

impl<'a> Placement<'a> {
    /// The node of resource `id`.
    pub fn owner(&self, id: &str) -> Option<Owner<'a>> {
        self.owner.get(id).copied()
    }

    /// The nodes that stand for resource `id` at an end of a security-group edge: the
    /// holders of a security group, the node of anything else.
    pub fn holders_of(&self, id: &str) -> Vec<Owner<'a>> {
        match self.holders.get(id) {
            Some(h) if !h.is_empty() => h.iter().copied().collect(),
            _ => self.owner(id).into_iter().collect(),
        }
    }
}

/// Place the resources of `stack` by the rules.
pub(super) fn place<'a>(stack: &Stack<'a>) -> Placement<'a> {
    let mut place: IndexMap<&'a str, Place<'a>> = stack
        .res
        .keys()
        .map(|&id| (id, first_place(stack, id)))
        .collect();
    fold_into_referrers(stack, &mut place);
    let mut owner = IndexMap::new();
    for &id in stack.res.keys() {
        if let Some(o) = settle(&mut place, id) {
            owner.insert(id, o);
        }
    }
    let holders = holders(stack, &place, &owner);
    for (&id, p) in &mut place {
        if *p == Place::Held {
            let first = holders.get(id).and_then(|h| h.first()).copied();
            if first.is_none() {
                *p = Place::Own(NodeKind::SecurityGroup);
            }
            owner.insert(id, first.unwrap_or(Owner::Res(id)));
        }
    }
    // Security-group rules folded into a group: the group's node.
    for &id in stack.res.keys() {
        if owner.contains_key(id) {
            continue;
        }
        let o = match end(&place, id) {
            End::Node(o) => Some(o),
            End::Held(group) => owner.get(group).copied(),
            End::Omit | End::Broken => None,
        };
        if let Some(o) = o {
            owner.insert(id, o);
        }
    }
    let drawn = place
        .iter()
        .filter_map(|(&id, p)| match p {
            Place::Own(k) => Some((id, *k)),
            _ => None,
        })
        .collect();
    Placement {
        drawn,
        owner,
        holders,
    }
}

/// A resource's place by its rule alone ([`Rule::Referrer`] ones are placed later, and
/// start as [`NodeKind::Other`]).
fn first_place<'a>(stack: &Stack<'a>, id: &'a str) -> Place<'a> {
    let ty = stack.ty(id);
    match rule(ty) {
        Rule::Draw(k) => Place::Own(k),
        Rule::Into(paths, fallback) => {
            into(stack, id, paths).map_or(Place::Own(fallback), Place::Fold)
        }
        Rule::Referrer => Place::Own(NodeKind::Other),
        Rule::Network => Place::Network,
        Rule::Held => Place::Held,
        Rule::Omit => Place::Omit,
    }
}

/// The resource a [`Rule::Into`] resource is folded into.
fn into<'a>(stack: &Stack<'a>, id: &'a str, paths: &[&str]) -> Option<&'a str> {
    let props = stack.props(id);
    let not_me = |c: &&'a str| *c != id && rule(stack.ty(c)) != Rule::Omit;
    if paths == [""] {
        let foldable = |c: &&'a str| {
            not_me(c)
                && matches!(rule(stack.ty(c)), Rule::Draw(_) | Rule::Into(..))
                && !is_sg_rule(stack.ty(c))
        };
        return stack.res.get(id).and_then(|r| {
            r.refs
                .iter()
                .copied()
                .filter(foldable)
                .min_by_key(|c| kind_alone(stack.ty(c)) == NodeKind::Other)
        });
    }
    paths
        .iter()
        .filter_map(|p| props.pointer(p))
        .find_map(|v| stack.refs(v).into_iter().find(not_me))
}

/// Fold each [`Rule::Referrer`] resource into the best resource referring to it.
fn fold_into_referrers<'a>(stack: &Stack<'a>, place: &mut IndexMap<&'a str, Place<'a>>) {
    let mut referrers: IndexMap<&'a str, Vec<&'a str>> = IndexMap::new();
    for (&id, r) in &stack.res {
        for &target in &r.refs {
            referrers.entry(target).or_default().push(id);
        }
    }
    let chosen: Vec<(&'a str, &'a str)> = stack
        .res
        .iter()
        .filter(|(_, r)| rule(r.ty) == Rule::Referrer)
        .filter_map(|(&id, _)| {
            let best = referrers
                .get(id)?
                .iter()
                .copied()
                .filter(|&c| {
                    c != id
                        && place.get(c) != Some(&Place::Fold(id))
                        && !matches!(rule(stack.ty(c)), Rule::Held | Rule::Omit)
                })
                .min_by_key(|c| referrer_rank(stack.ty(c)))?;
            Some((id, best))
        })
        .collect();
    for (id, best) in chosen {
        place.insert(id, Place::Fold(best));
    }
}

/// Where following a resource's folds ends.
enum End<'a> {
    Node(Owner<'a>),
    Held(&'a str),
    Omit,
    Broken,
}

fn end<'a>(place: &IndexMap<&'a str, Place<'a>>, id: &'a str) -> End<'a> {
    let mut cur = id;
    for _ in 0..=MAX_DEPTH {
        match place.get(cur) {
            Some(Place::Own(_)) => return End::Node(Owner::Res(cur)),
            Some(Place::Network) => return End::Node(Owner::Network),
            Some(Place::Held) => return End::Held(cur),
            Some(Place::Omit) => return End::Omit,
            Some(Place::Fold(p)) => cur = p,
            None => return End::Broken,
        }
    }
    End::Broken
}

/// The node of resource `id`, when it does not wait for a security group's holders; a
/// resource on a cycle of folds is drawn alone.
fn settle<'a>(place: &mut IndexMap<&'a str, Place<'a>>, id: &'a str) -> Option<Owner<'a>> {
    match end(place, id) {
        End::Node(o) => Some(o),
        End::Held(_) | End::Omit => None,
        End::Broken => {
            place.insert(id, Place::Own(NodeKind::Other));
            Some(Owner::Res(id))
        }
    }
}

/// The nodes holding each security group: those of the resources referring to it (not
/// other groups, their rules or IAM policies).
fn holders<'a>(
    stack: &Stack<'a>,
    place: &IndexMap<&'a str, Place<'a>>,
    owner: &IndexMap<&'a str, Owner<'a>>,
) -> IndexMap<&'a str, IndexSet<Owner<'a>>> {
    let mut out: IndexMap<&'a str, IndexSet<Owner<'a>>> = IndexMap::new();
    for (&id, r) in &stack.res {
        if is_sg_rule(r.ty) || r.ty.starts_with("AWS::IAM::") {
            continue;
        }
        let Some(&o) = owner.get(id) else { continue };
        for &g in &r.refs {
            if place.get(g) == Some(&Place::Held) {
                out.entry(g).or_default().insert(o);
            }
        }
    }
    out
}
