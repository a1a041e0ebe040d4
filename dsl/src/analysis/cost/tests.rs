//! The expected amounts below are computed by hand from the us-east-1 prices of the
//! shipped table (`dsl/data/prices.json`), written out in each test; a change of the table
//! that moves them fails `us_east_1_prices_are_the_ones_these_tests_were_computed_with`.

use serde_json::json;

use super::*;

/// Round to cents, as the table prints.
fn c(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A monthly cost at (minimum, typical, maximum) scale, in cents.
fn range(m: &Monthly) -> (f64, f64, f64) {
    (c(m.minimum), c(m.typical), c(m.maximum))
}

fn us(t: &Json) -> Estimate {
    estimate("S", t, "us-east-1").unwrap()
}

#[test]
fn the_shipped_table_is_complete() {
    let t = PriceTable::shipped();
    assert_eq!(t.problems(), Vec::<String>::new());
    for r in [
        "us-east-1",
        "us-east-2",
        "us-west-2",
        "eu-west-1",
        "eu-central-1",
        "ap-southeast-1",
    ] {
        assert!(t.regions.contains_key(r), "{r} is priced");
    }
    for (k, p) in &t.prices {
        assert!(
            p.source.starts_with("https://"),
            "{k} has a source: {}",
            p.source
        );
    }
    assert!(
        t.date.len() == 10 && t.date.starts_with("20"),
        "dated: {}",
        t.date
    );
}

#[test]
fn us_east_1_prices_are_the_ones_these_tests_were_computed_with() {
    let r = &PriceTable::shipped().regions["us-east-1"];
    for (k, v) in [
        ("fargate_x86_vcpu_hour", 0.04048),
        ("fargate_x86_gb_hour", 0.004445),
        ("fargate_arm_vcpu_hour", 0.03238),
        ("fargate_arm_gb_hour", 0.00356),
        ("fargate_ephemeral_gb_hour", 0.000111),
        ("alb_hour", 0.0225),
        ("alb_lcu_hour", 0.008),
        ("nat_gateway_hour", 0.045),
        ("public_ipv4_hour", 0.005),
        ("logs_ingest_gb", 0.5),
        ("ebs_gp3_gb_month", 0.08),
    ] {
        assert_eq!(r.prices[k], v, "{k}");
    }
    assert_eq!(r.ec2_linux_hour["t3.medium"], 0.0416);
}

#[test]
fn a_region_outside_the_table_is_an_error_naming_the_regions_it_has() {
    let e = estimate("S", &json!({"Resources": {}}), "mars-1").unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("`mars-1`") && text.contains("us-east-1") && text.contains("eu-central-1"),
        "{text}"
    );
}

fn fargate_service(arch: &str, desired: Json) -> Json {
    json!({
        "Resources": {
            "Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {
                "Cpu": "256", "Memory": "512",
                "RuntimePlatform": {"CpuArchitecture": arch, "OperatingSystemFamily": "LINUX"},
                "ContainerDefinitions": [{"Name": "web", "Image": "nginx"}]}},
            "Web": {"Type": "AWS::ECS::Service", "Properties": {
                "LaunchType": "FARGATE", "TaskDefinition": {"Ref": "Task"}, "DesiredCount": desired}},
            "Scaling": {"Type": "AWS::ApplicationAutoScaling::ScalableTarget", "Properties": {
                "MinCapacity": 2, "MaxCapacity": 10, "ServiceNamespace": "ecs",
                "ScalableDimension": "ecs:service:DesiredCount",
                "ResourceId": {"Fn::Join": ["/", ["service", "c", {"Fn::GetAtt": ["Web", "Name"]}]]}}}
        }
    })
}

#[test]
fn a_fargate_service_of_2_to_10_tasks() {
    // 0.25 vCPU × $0.04048 + 0.5 GB × $0.004445 = $0.0123425 a task-hour; × 730 h =
    // $9.010025 a task-month: 2 tasks $18.02, 3 tasks $27.03, 10 tasks $90.10.
    let e = us(&fargate_service("X86_64", json!(3)));
    assert_eq!(e.lines.len(), 1);
    let l = &e.lines[0];
    assert_eq!(
        (l.logical_id.as_str(), l.group, l.kind),
        ("Web", Group::Service, "Fargate service")
    );
    assert_eq!(range(&l.monthly), (18.02, 27.03, 90.10));
    assert_eq!(
        l.detail,
        "Fargate x86 0.25 vCPU, 0.5 GB, 2–10 tasks (typical 3)"
    );
    assert!(e.unpriced.is_empty(), "{:?}", e.unpriced);
}

#[test]
fn arm_costs_less_than_x86() {
    // ARM: 0.25 × $0.03238 + 0.5 × $0.00356 = $0.009875 a task-hour; × 730 × 3 = $21.63
    // (x86: $27.03).
    let arm = us(&fargate_service("ARM64", json!(3)));
    let x86 = us(&fargate_service("X86_64", json!(3)));
    assert_eq!(c(arm.total().typical), 21.63);
    assert_eq!(c(x86.total().typical), 27.03);
    assert!(arm.lines[0].detail.starts_with("Fargate ARM"));
}

#[test]
fn spot_is_a_stated_discount_on_the_weighted_share() {
    // Base 1 on FARGATE, then weights 1:3 → of 5 tasks: 1 + 1 on demand, 3 on Spot.
    // Per task-month $9.010025; Spot at 30 % of it: 2 × 9.010025 + 3 × 0.3 × 9.010025 =
    // $26.13.
    let mut t = fargate_service("X86_64", json!(5));
    let p = t
        .pointer_mut("/Resources/Web/Properties")
        .unwrap()
        .as_object_mut()
        .unwrap();
    p.remove("LaunchType");
    p.insert(
        "CapacityProviderStrategy".into(),
        json!([{"CapacityProvider": "FARGATE", "Base": 1, "Weight": 1},
               {"CapacityProvider": "FARGATE_SPOT", "Weight": 3}]),
    );
    let e = us(&t);
    assert_eq!(c(e.lines[0].monthly.typical), 26.13);
    assert!(
        e.lines[0].detail.ends_with(", 3 on Spot"),
        "{}",
        e.lines[0].detail
    );
    let spot = &PriceTable::shipped().assumptions["fargate_spot_discount"];
    assert_eq!(spot.value, 0.7);
    assert!(
        e.assumptions.contains(&spot.what),
        "stated: {:?}",
        e.assumptions
    );
}

#[test]
fn a_size_from_a_parameter_uses_its_default_and_says_so() {
    // 1 vCPU, 2 GB: $0.04048 + 2 × $0.004445 = $0.04937 a task-hour; × 730 = $36.04.
    let mut t = fargate_service("X86_64", json!(1));
    t["Parameters"] = json!({"TaskCpu": {"Type": "String", "Default": "1024"},
                             "TaskMemory": {"Type": "String", "Default": "2 GB"}});
    t["Resources"]["Task"]["Properties"]["Cpu"] = json!({"Ref": "TaskCpu"});
    t["Resources"]["Task"]["Properties"]["Memory"] = json!({"Ref": "TaskMemory"});
    t["Resources"].as_object_mut().unwrap().remove("Scaling");
    let e = us(&t);
    assert_eq!(c(e.total().typical), 36.04);
    assert!(
        e.assumptions
            .iter()
            .any(|a| a == "Task's Cpu is parameter `TaskCpu`'s default, 1024."),
        "{:?}",
        e.assumptions
    );
}

#[test]
fn a_noecho_or_defaultless_parameter_is_not_priced_and_never_shown() {
    let mut t = fargate_service("X86_64", json!(1));
    t["Parameters"] = json!({"Secret": {"Type": "String", "NoEcho": "true", "Default": "2048"},
                             "Bare": {"Type": "String"}});
    t["Resources"]["Task"]["Properties"]["Cpu"] = json!({"Ref": "Secret"});
    let e = us(&t);
    assert!(e.lines.is_empty());
    assert_eq!(e.unpriced[0].logical_id, "Web");
    assert!(
        e.unpriced[0].why.contains("NoEcho parameter `Secret`"),
        "{}",
        e.unpriced[0].why
    );
    assert!(
        !e.to_table().contains("2048"),
        "a NoEcho default is never printed"
    );
    t["Resources"]["Task"]["Properties"]["Cpu"] = json!({"Ref": "Bare"});
    assert!(us(&t).unpriced[0].why.contains("has no default"));
}

#[test]
fn an_ec2_cluster_its_instances_and_volumes() {
    // t3.medium $0.0416 an hour × 730 = $30.368 an instance-month: 1, 2, 4 instances →
    // $30.37, $60.74, $121.47; a 30 GiB gp3 root volume $2.40 each → $2.40, $4.80, $9.60.
    let t = json!({"Resources": {
        "Template": {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": {
            "InstanceType": "t3.medium",
            "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 30, "VolumeType": "gp3"}}]}}},
        "Group": {"Type": "AWS::AutoScaling::AutoScalingGroup", "Properties": {
            "MinSize": "1", "MaxSize": "4", "DesiredCapacity": "2",
            "LaunchTemplate": {"LaunchTemplateId": {"Ref": "Template"}, "Version": {"Fn::GetAtt": ["Template", "LatestVersionNumber"]}}}},
        "Cluster": {"Type": "AWS::ECS::Cluster"},
        "Provider": {"Type": "AWS::ECS::CapacityProvider", "Properties": {
            "AutoScalingGroupProvider": {"AutoScalingGroupArn": {"Ref": "Group"}}}},
        "Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"ContainerDefinitions": [{"Name": "a", "Image": "x", "Memory": 512}]}},
        "Svc": {"Type": "AWS::ECS::Service", "Properties": {"Cluster": {"Ref": "Cluster"}, "TaskDefinition": {"Ref": "Task"},
            "CapacityProviderStrategy": [{"CapacityProvider": {"Ref": "Provider"}, "Weight": 1}]}}
    }});
    let e = us(&t);
    let cap = e.lines.iter().find(|l| l.group == Group::Capacity).unwrap();
    assert_eq!(range(&cap.monthly), (30.37, 60.74, 121.47));
    assert_eq!(cap.detail, "t3.medium, 1–4 instances (typical 2)");
    let ebs = e.lines.iter().find(|l| l.group == Group::Storage).unwrap();
    assert_eq!(range(&ebs.monthly), (2.40, 4.80, 9.60));
    assert_eq!(
        e.lines.len(),
        2,
        "the service's tasks cost what the instances cost: {:?}",
        e.lines
    );
    assert!(e.unpriced.is_empty(), "{:?}", e.unpriced);
}

#[test]
fn an_internet_facing_alb_in_two_zones() {
    // $0.0225 + 1 LCU × $0.008 = $0.0305 an hour × 730 = $22.265 → $22.27 (rounded half
    // up from 22.265 in binary: 22.26 or 22.27; the sum is checked unrounded);
    // 2 public IPv4 addresses × $0.005 × 730 = $7.30.
    let t = json!({"Resources": {"Lb": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "Properties": {"Subnets": ["subnet-a", "subnet-b"]}}}});
    let e = us(&t);
    assert_eq!(e.lines.len(), 2);
    assert!((e.lines[0].monthly.typical - 22.265).abs() < 1e-9);
    assert_eq!(e.lines[0].group, Group::LoadBalancer);
    assert_eq!(
        (e.lines[1].group, c(e.lines[1].monthly.typical)),
        (Group::Network, 7.30)
    );
    let lcu = &PriceTable::shipped().assumptions["lcu_per_load_balancer"];
    assert!(e.assumptions.contains(&lcu.what));
    let internal = json!({"Resources": {"Lb": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "Properties": {"Scheme": "internal", "Subnets": ["a", "b"]}}}});
    assert_eq!(
        us(&internal).lines.len(),
        1,
        "an internal load balancer has no public address"
    );
}

fn nat(n: usize) -> Json {
    let mut r = serde_json::Map::new();
    for i in 0..n {
        r.insert(
            format!("Nat{i}"),
            json!({"Type": "AWS::EC2::NatGateway", "Properties": {"SubnetId": "s"}}),
        );
    }
    r.insert(
        "Vpc".into(),
        json!({"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}}),
    );
    json!({"Resources": r})
}

#[test]
fn nat_in_two_zones_and_the_delta_of_adding_one() {
    // $0.045 an hour × 730 = $32.85 a gateway-month.
    let one = us(&nat(1));
    let two = us(&nat(2));
    assert_eq!(c(two.total().typical), 65.70);
    assert!(
        two.assumptions
            .iter()
            .any(|a| a.contains("Data through NAT gateways is not counted: $0.045 a GB"))
    );
    let d = compare(Some(&one), &two);
    assert_eq!(c(d.increase()), 32.85);
    assert_eq!(d.lines(), ["+$32.85/month: NAT gateway (Nat1)"]);
    assert_eq!(
        d.summary(),
        "Monthly cost (typical): $32.85 → $65.70 (+$32.85)"
    );
    let new_stack = compare(None, &two);
    assert_eq!(
        new_stack.lines(),
        ["+$65.70/month: 2 × NAT gateway (Nat0, Nat1)"]
    );
    let removed = compare(Some(&two), &one);
    assert_eq!(removed.lines(), ["-$32.85/month: NAT gateway (Nat1)"]);
    assert!(compare(Some(&two), &two).changes.is_empty());
}

#[test]
fn what_cannot_be_priced_is_listed_by_logical_id_with_the_reason() {
    let t = json!({"Resources": {
        "Fn": {"Type": "AWS::Lambda::Function"},
        "Odd": {"Type": "AWS::Kendra::Index"},
        "Svc": {"Type": "AWS::ECS::Service", "Properties": {"TaskDefinition": {"Fn::ImportValue": "td"}}},
        "Role": {"Type": "AWS::IAM::Role"}
    }});
    let e = us(&t);
    let got: Vec<(&str, &str)> = e
        .unpriced
        .iter()
        .map(|u| (u.logical_id.as_str(), u.why.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("Fn", "priced by use (requests and duration)"),
            ("Odd", "not in ferroform's price table"),
            (
                "Svc",
                "its task definition is not in this template (its size is unknown)"
            ),
        ]
    );
    let table = e.to_table();
    assert!(
        table.contains(
            "Not priced (listed, not counted):\n  Fn (AWS::Lambda::Function): priced by use"
        ),
        "{table}"
    );
    assert!(
        !table.contains("Role"),
        "a role costs nothing and is not listed"
    );
}

#[test]
fn ephemeral_storage_over_20_gib_public_ips_and_managed_volumes() {
    // 0.25 vCPU, 0.5 GB, 50 GiB storage: $0.0123425 + 30 × $0.000111 = $0.0156725 a
    // task-hour × 730 = $11.44 (1 task); a public IPv4 a task: $3.65; a 100 GiB gp3
    // managed volume a task: $8.00.
    let mut t = fargate_service("X86_64", json!(1));
    t["Resources"].as_object_mut().unwrap().remove("Scaling");
    t["Resources"]["Task"]["Properties"]["EphemeralStorage"] = json!({"SizeInGiB": 50});
    t["Resources"]["Web"]["Properties"]["NetworkConfiguration"] =
        json!({"AwsvpcConfiguration": {"AssignPublicIp": "ENABLED", "Subnets": ["s"]}});
    t["Resources"]["Web"]["Properties"]["VolumeConfigurations"] =
        json!([{"Name": "data", "ManagedEBSVolume": {"RoleArn": "arn", "SizeInGiB": 100}}]);
    let e = us(&t);
    let got: Vec<(Group, f64)> = e
        .lines
        .iter()
        .map(|l| (l.group, c(l.monthly.typical)))
        .collect();
    assert_eq!(
        got,
        [
            (Group::Service, 11.44),
            (Group::Network, 3.65),
            (Group::Storage, 8.00)
        ]
    );
}

#[test]
fn the_table_shows_groups_total_unpriced_and_assumptions() {
    let e = us(&nat(2));
    let t = e.to_table();
    let expected_head = format!(
        "Monthly cost of S in us-east-1, prices of {} (USD)\n",
        e.date
    );
    assert!(t.starts_with(&expected_head), "{t}");
    assert!(t.contains("\nNetwork "), "{t}");
    assert!(t.contains("  Nat0  NAT gateway: "), "{t}");
    let total = t.lines().find(|l| l.starts_with("Total")).unwrap();
    assert_eq!(
        total.split_whitespace().collect::<Vec<_>>(),
        ["Total", "$65.70", "$65.70", "$65.70"]
    );
    assert!(t.contains("Assumptions:\n  - A month is 730 hours"), "{t}");
    let j = e.to_json();
    assert_eq!(j["total"]["typical"], json!(65.7));
    assert_eq!(j["resources"][1]["logical_id"], "Nat1");
}

#[test]
fn hostile_shapes_are_not_priced_rather_than_panicking() {
    let t = json!({"Resources": {
        "A": {"Type": "AWS::ECS::Service", "Properties": 5},
        "B": {"Type": "AWS::AutoScaling::AutoScalingGroup", "Properties": {"MinSize": "many", "MaxSize": []}},
        "C": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {"Type": {"Fn::If": ["x", "a", "b"]}}},
        "D": {"Type": 7},
        "E": {"Type": "AWS::EC2::Volume", "Properties": {"Size": "1e400"}},
        "F": {"Type": "AWS::ECS::Service", "Properties": {"TaskDefinition": {"Ref": "G"}, "LaunchType": "FARGATE"}},
        "G": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"Cpu": "lots", "Memory": "512"}}
    }});
    let e = us(&t);
    assert!(e.lines.is_empty(), "{:?}", e.lines);
    let ids: Vec<&str> = e.unpriced.iter().map(|u| u.logical_id.as_str()).collect();
    assert_eq!(ids, ["A", "B", "C", "D", "E", "F"]);
}

#[test]
fn usd_is_grouped_and_rounded() {
    assert_eq!(report::usd(1234567.891), "$1,234,567.89");
    assert_eq!(report::usd(0.004), "$0.00");
    assert_eq!(report::usd(-3.1), "-$3.10");
    assert_eq!(report::usd(999.999), "$1,000.00");
}
