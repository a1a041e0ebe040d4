//! `cost` through both command lines: a program's `app.run()` and the `ferroform` binary,
//! on the examples and on the real-world corpus. The amounts themselves are checked by hand
//! in the crate's unit tests (`dsl/src/analysis/cost/tests.rs`); here: what is printed, the
//! exit codes, and that every example and every real-world template gets an estimate.

mod all_examples;
mod support;

use ferroform::analysis::cost::{Group, estimate};
use support::programs::{run_app, run_cli};

#[test]
fn the_container_journey_costs_its_service_load_balancer_logs_and_repository() {
    let (code, out, err) = run_app(
        all_examples::container_journey::app(),
        &["cost", "--region", "us-east-1"],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.starts_with("Monthly cost of ContainerJourney in us-east-1, prices of "),
        "{out}"
    );
    for group in [
        "\nService ",
        "\nLoad balancer ",
        "\nNetwork ",
        "\nLogs ",
        "\nStorage ",
        "\nTotal ",
    ] {
        assert!(out.contains(group), "{group:?} in {out}");
    }
    // 0.5 vCPU, 1 GB on x86 in us-east-1: 0.5 × $0.04048 + 1 × $0.004445 = $0.024685 a
    // task-hour × 730 = $18.02 a task-month; 2 to 10 tasks: $36.04 to $180.20.
    let web = out.lines().find(|l| l.starts_with("  Web ")).unwrap();
    assert!(web.contains("2–10 tasks"), "{web}");
    assert_eq!(
        web.split_whitespace().rev().take(3).collect::<Vec<_>>(),
        ["$180.20", "$36.04", "$36.04"]
    );
    assert!(
        !out.contains("Not priced"),
        "everything in the journey is priced: {out}"
    );
    assert!(out.contains("Assumptions:\n"), "{out}");
}

#[test]
fn json_output_is_one_document_with_a_total() {
    let (code, out, err) = run_app(
        all_examples::container_journey::app(),
        &["cost", "--format", "json", "--region", "eu-west-1"],
    );
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["stacks"][0]["stack"], "ContainerJourney");
    assert_eq!(doc["stacks"][0]["region"], "eu-west-1");
    assert_eq!(doc["total"], doc["stacks"][0]["total"]);
    assert!(doc["total"]["maximum"].as_f64().unwrap() > doc["total"]["minimum"].as_f64().unwrap());
}

#[test]
fn a_region_without_prices_is_a_usage_error_naming_the_regions() {
    let (code, out, err) = run_app(
        all_examples::container_journey::app(),
        &["cost", "--region", "af-south-1"],
    );
    assert_eq!(code, 2, "{out}");
    assert!(
        err.contains("stack ContainerJourney: no prices for region `af-south-1`"),
        "{err}"
    );
    assert!(
        err.contains("ap-southeast-1, eu-central-1, eu-west-1, us-east-1, us-east-2, us-west-2"),
        "{err}"
    );
}

#[test]
fn template_files_through_the_binary() {
    let dir = support::temp_dir("cost-files");
    let a = dir.write("Edge.template.json", r#"{"Resources": {"Ip": {"Type": "AWS::EC2::EIP"}, "Fn": {"Type": "AWS::Lambda::Function"}}}"#);
    let b = dir.write(
        "Nat.yaml",
        "Resources:\n  Nat:\n    Type: AWS::EC2::NatGateway\n",
    );
    let (a, b) = (a.display().to_string(), b.display().to_string());
    let (code, out, err) = run_cli(&[
        "cost",
        "--template",
        &a,
        "--template",
        &b,
        "--region",
        "us-east-1",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("Monthly cost of Edge in us-east-1"),
        "{out}"
    );
    assert!(out.contains("\nMonthly cost of Nat in us-east-1"), "{out}");
    assert!(
        out.contains(
            "Not priced (listed, not counted):\n  Fn (AWS::Lambda::Function): priced by use"
        ),
        "{out}"
    );
    // $0.005 × 730 = $3.65 for the address; $0.045 × 730 = $32.85 for the gateway.
    assert!(
        out.contains("\nAll 2 stacks: $36.50 minimum, $36.50 typical, $36.50 maximum a month"),
        "{out}"
    );
    let missing = dir.path().join("missing.json").display().to_string();
    let (code, _, err) = run_cli(&["cost", "--template", &missing]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("missing.json"), "{err}");
    let (code, _, err) = run_cli(&["cost"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no templates"), "{err}");
}

#[test]
fn every_example_is_estimated_in_every_region_of_the_table() {
    let regions: Vec<&str> = ferroform::analysis::cost::PriceTable::shipped()
        .region_codes()
        .collect();
    assert!(regions.len() >= 6);
    for (name, app) in all_examples::all() {
        for t in app.synth().unwrap_or_else(|e| panic!("{name}: {e}")) {
            for r in &regions {
                let e = estimate(t.name(), t.body(), r).unwrap();
                let total = e.total();
                assert!(
                    total.minimum <= total.typical && total.typical <= total.maximum,
                    "{name} {r}: {total:?}"
                );
                for u in &e.unpriced {
                    // The examples use what the table prices; what they leave unpriced is
                    // what is priced by use or run on demand.
                    assert!(
                        u.why.starts_with("priced by use")
                            || u.why.contains("ECS Managed Instances"),
                        "{name} {r}: {} ({}) not priced: {}",
                        u.logical_id,
                        u.resource_type,
                        u.why
                    );
                }
            }
        }
    }
}

#[test]
fn an_ec2_capacity_example_prices_its_instances() {
    let app = all_examples::ec2_capacity::app();
    for t in app.synth().unwrap() {
        let e = estimate(t.name(), t.body(), "us-east-1").unwrap();
        assert!(
            e.lines.iter().any(|l| l.group == Group::Capacity),
            "{}: {:?}",
            t.name(),
            e.lines
        );
    }
}

#[test]
fn every_real_world_template_gets_an_estimate_or_a_listed_reason() {
    let Some(corpus) = support::realworld_dir() else {
        return;
    };
    let mut priced = 0;
    let mut seen = 0;
    for path in support::realworld_templates(&corpus) {
        let Ok(t) = ferroform::Template::parse(
            &path.display().to_string(),
            &std::fs::read_to_string(&path).unwrap_or_default(),
        ) else {
            continue;
        };
        seen += 1;
        let e = estimate("T", t.body(), "us-east-1").unwrap();
        let resources = t
            .body()
            .get("Resources")
            .and_then(|r| r.as_object())
            .map_or(0, serde_json::Map::len);
        assert!(
            e.lines.len() + e.unpriced.len() <= 3 * resources + 1,
            "{}",
            path.display()
        );
        priced += usize::from(!e.lines.is_empty());
    }
    eprintln!("cost: {seen} real-world templates estimated, {priced} with something priced");
    assert!(seen > 600, "{seen}");
}

#[test]
fn cost_help_names_the_table_date_and_regions() {
    // The help text is built only when `cost` runs (`Command::defer`): it must still be there,
    // in the tool's command and in a stack program's.
    let table = ferroform::analysis::cost::PriceTable::shipped();
    let app = || {
        let mut app = ferroform::App::new();
        app.add(ferroform::Stack::new("Web"));
        app
    };
    for (code, out, err) in [
        run_cli(&["cost", "--help"]),
        run_app(app(), &["cost", "--help"]),
    ] {
        assert_eq!(code, 0, "{err}");
        assert!(
            out.contains(&format!("Prices: ferroform's table of {}", table.date)),
            "{out}"
        );
        assert!(out.contains("us-east-1"), "{out}");
    }
}
