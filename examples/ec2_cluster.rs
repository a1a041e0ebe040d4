//! An EC2-backed ECS cluster: a launch template with the ECS-optimized Amazon Linux 2023 AMI
//! (from its public SSM parameter), IMDSv2 required, user data that joins the ECS agent to the
//! cluster, an Auto Scaling group, and a capacity provider with managed scaling associated
//! with the cluster as its default strategy.
//!
//! ```text
//! cargo run --example ec2_cluster -- synth --out out/
//! ```

use std::process::ExitCode;

use ferroform::iam::{PolicyDocument, Statement};
use ferroform::resources::autoscaling::{self, auto_scaling_group as asg};
use ferroform::resources::ec2::{self, launch_template as lt};
use ferroform::resources::ecs::{
    self, capacity_provider as cp, cluster_capacity_provider_associations as assoc,
};
use ferroform::resources::iam;
use ferroform::{App, Parameter, Stack, fns};

/// The stack.
pub fn app() -> App {
    let mut stack = Stack::new("Ec2Cluster");
    stack.description("An ECS cluster on EC2 instances scaled by a capacity provider");

    let ami = stack.parameter(
        "EcsAmi",
        Parameter::ssm_value("AWS::EC2::Image::Id")
            .description(
                "ECS-optimized Amazon Linux 2023 AMI (x86_64), from its public SSM parameter",
            )
            .default("/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"),
    );
    let instance_type = stack.parameter(
        "InstanceType",
        Parameter::string()
            .description("EC2 instance type of the container instances")
            .default("t3.medium"),
    );

    // --- network: a VPC with two public subnets
    let vpc = stack.add(
        "Vpc",
        ec2::Vpc::new()
            .cidr_block("10.1.0.0/16")
            .enable_dns_hostnames(true)
            .enable_dns_support(true),
    );
    let igw = stack.add("InternetGateway", ec2::InternetGateway::new());
    let attachment = stack.add(
        "GatewayAttachment",
        ec2::VpcGatewayAttachment::new(vpc.to_ref()).internet_gateway_id(igw.to_ref()),
    );
    let routes = stack.add("PublicRouteTable", ec2::RouteTable::new(vpc.to_ref()));
    let default_route = stack.add(
        "DefaultRoute",
        ec2::Route::new(routes.to_ref())
            .destination_cidr_block("0.0.0.0/0")
            .gateway_id(igw.to_ref()),
    );
    stack.options(&default_route).depends_on(&attachment);
    let mut subnets = Vec::new();
    for (i, cidr) in ["10.1.0.0/24", "10.1.1.0/24"].into_iter().enumerate() {
        let subnet = stack.add(
            &format!("PublicSubnet{}", i + 1),
            ec2::Subnet::new(vpc.to_ref())
                .cidr_block(cidr)
                .availability_zone(fns::select(i as i64, fns::get_azs("")))
                .map_public_ip_on_launch(true),
        );
        stack.add(
            &format!("PublicSubnet{}Routes", i + 1),
            ec2::SubnetRouteTableAssociation::new(ec2::SubnetRouteTableAssociationRequired {
                route_table_id: routes.to_ref(),
                subnet_id: subnet.to_ref(),
            }),
        );
        subnets.push(subnet);
    }
    let instance_sg = stack.add(
        "InstanceSecurityGroup",
        ec2::SecurityGroup::new("ECS container instances (no inbound traffic)")
            .vpc_id(vpc.to_ref()),
    );

    // --- the cluster
    let cluster = stack.add(
        "Cluster",
        ecs::Cluster::new().cluster_settings(vec![
            ecs::cluster::ClusterSettings::new()
                .name("containerInsights")
                .value("enabled"),
        ]),
    );

    // --- the instances: role and profile for the ECS agent, launch template, Auto Scaling group
    let instance_role = stack.add(
        "InstanceRole",
        iam::Role::new(serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": { "Service": "ec2.amazonaws.com" },
                "Action": "sts:AssumeRole"
            }]
        }))
        // Exact statements instead of the AWS-managed AmazonEC2ContainerServiceforEC2Role and
        // AmazonSSMManagedInstanceCore, which allow every cluster and much more of SSM.
        .policies(vec![iam::role::Policy::new(
            PolicyDocument::new()
                // The ECS agent joins this cluster and reports on its tasks.
                .statement(
                    Statement::allow([
                        "ecs:DeregisterContainerInstance",
                        "ecs:RegisterContainerInstance",
                        "ecs:SubmitAttachmentStateChanges",
                        "ecs:SubmitContainerStateChange",
                        "ecs:SubmitTaskStateChange",
                    ])
                    .resource(cluster.attr_arn()),
                )
                .statement(
                    Statement::allow([
                        "ecs:Poll",
                        "ecs:StartTelemetrySession",
                        "ecs:UpdateContainerInstancesState",
                    ])
                    .resource(fns::sub(
                        "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:container-instance/*",
                    ))
                    .condition(serde_json::json!({"ArnEquals": {"ecs:cluster": cluster.attr_arn()}})),
                )
                // DiscoverPollEndpoint has no resource-level permissions: AWS requires "*".
                .statement(Statement::allow(["ecs:DiscoverPollEndpoint"]).resource("*"))
                // Session Manager on the instances: the minimal instance policy AWS documents
                // for it. Only the instance registers its own information; the ssmmessages
                // channel actions have no resource-level permissions.
                .statement(
                    Statement::allow(["ssm:UpdateInstanceInformation"]).resource(fns::sub(
                        "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*",
                    )),
                )
                .statement(
                    Statement::allow([
                        "ssmmessages:CreateControlChannel",
                        "ssmmessages:CreateDataChannel",
                        "ssmmessages:OpenControlChannel",
                        "ssmmessages:OpenDataChannel",
                    ])
                    .resource("*"),
                ),
            "ecs-agent-and-session-manager",
        )]),
    );
    stack.options(&instance_role).metadata(serde_json::json!({"checkov": {"skip": [{
        "id": "CKV_AWS_111",
        "comment": "ecs:DiscoverPollEndpoint and the ssmmessages channel actions of Session Manager have no resource-level permissions: AWS requires Resource *"
    }]}}));
    let profile = stack.add(
        "InstanceProfile",
        iam::InstanceProfile::new(vec![instance_role.to_ref()]),
    );

    let user_data = fns::base64(fns::sub_with(
        "#!/bin/bash\necho ECS_CLUSTER=${ClusterName} >> /etc/ecs/ecs.config\n",
        [("ClusterName", cluster.to_ref())],
    ));
    let template = stack.add(
        "LaunchTemplate",
        ec2::LaunchTemplate::new(
            lt::LaunchTemplateData::new()
                .image_id(ami.to_ref())
                .instance_type(instance_type.to_ref())
                .iam_instance_profile(lt::IamInstanceProfile::new().arn(profile.attr_arn()))
                .security_group_ids(vec![instance_sg.attr_group_id()])
                .metadata_options(
                    lt::MetadataOptions::new()
                        .http_endpoint(lt::HttpEndpoint::Enabled)
                        .http_tokens(lt::HttpTokens::Required)
                        .http_put_response_hop_limit(2),
                )
                .user_data(user_data),
        ),
    );

    let group = stack.add(
        "AutoScalingGroup",
        autoscaling::AutoScalingGroup::new(autoscaling::AutoScalingGroupRequired {
            max_size: "4".into(),
            min_size: "0".into(),
        })
        .desired_capacity("1")
        .vpc_zone_identifier(
            subnets
                .iter()
                .map(ferroform::Handle::to_ref)
                .collect::<Vec<_>>(),
        )
        .launch_template(
            asg::LaunchTemplateSpecification::new(template.attr_latest_version_number())
                .launch_template_id(template.to_ref()),
        ),
    );
    // Instances need the route to reach the ECS endpoints.
    stack.options(&group).depends_on(&default_route);

    // --- the capacity provider, scaling the group to fit the tasks
    let provider = stack.add(
        "CapacityProvider",
        ecs::CapacityProvider::new().auto_scaling_group_provider(
            cp::AutoScalingGroupProvider::new(group.to_ref())
                .managed_scaling(
                    cp::ManagedScaling::new()
                        .status(cp::ManagedScalingStatus::Enabled)
                        .target_capacity(100),
                )
                .managed_termination_protection(cp::ManagedTerminationProtection::Disabled),
        ),
    );
    stack.add(
        "ClusterCapacityProviders",
        ecs::ClusterCapacityProviderAssociations::new(
            cluster.to_ref(),
            vec![assoc::CapacityProviderStrategy::new(provider.to_ref()).weight(1)],
        )
        .capacity_providers(vec![provider.to_ref()]),
    );

    stack.output("ClusterName", cluster.to_ref());
    stack.output("CapacityProviderName", provider.to_ref());

    let mut app = App::new();
    app.add(stack);
    app
}

#[allow(dead_code)]
fn main() -> ExitCode {
    app().run()
}
