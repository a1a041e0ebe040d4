//! ECS: services (Fargate and EC2 capacity, Spot shares), their task counts and extras, Express Mode services.

use super::*;

impl<'a> Cx<'a> {
    pub(super) fn service(&mut self, res: Res<'a>, est: &mut Estimate) -> Result<(), String> {
        let Res { id, props, .. } = res;
        let Some((td_id, td)) = props.get("TaskDefinition").and_then(|v| self.target(v)) else {
            return Err("its task definition is not in this template (its size is unknown)".into());
        };
        let strategy = self.placement(id, props)?;
        let count = self.service_count(id, props)?;
        let has = |p: Provider| strategy.iter().any(|(q, _, _)| *q == p);
        if has(Provider::Ec2) {
            self.assume(format!(
                "{id}'s tasks on EC2 capacity cost what the instances cost: counted with the \
                 Auto Scaling group when it is in the stack."
            ));
        }
        if has(Provider::ManagedInstances) {
            if strategy
                .iter()
                .all(|(p, _, _)| *p == Provider::ManagedInstances)
            {
                return Err(
                    "runs on ECS Managed Instances, whose instance types ECS chooses".into(),
                );
            }
            self.assume(format!(
                "{id}'s tasks on ECS Managed Instances are not counted (ECS chooses the instances)."
            ));
        }
        let fargate = has(Provider::Fargate) || has(Provider::FargateSpot);
        if !fargate {
            return Ok(());
        }
        let size = self.fargate_size(td_id, td.get("Properties").unwrap_or(&Json::Null))?;
        let per_task = size.per_hour(self);
        let discount = if has(Provider::FargateSpot) {
            self.assumed("fargate_spot_discount")
        } else {
            0.0
        };
        let cost = |n: f64| {
            let s = shares(&strategy, n);
            let on_demand = s[Provider::Fargate as usize];
            let spot = s[Provider::FargateSpot as usize];
            per_task * self.hours * (on_demand + spot * (1.0 - discount))
        };
        let monthly = count.monthly(cost);
        let spot_share = shares(&strategy, count.typical)[Provider::FargateSpot as usize];
        let mut detail = format!("Fargate {}, {}", size.describe(), count.describe("task"));
        if spot_share > 0.0 {
            detail.push_str(&format!(", {} on Spot", trim(spot_share)));
        }
        res.add(est, Group::Service, "Fargate service", detail, monthly);
        let fargate_tasks = |n: f64| {
            let s = shares(&strategy, n);
            s[Provider::Fargate as usize] + s[Provider::FargateSpot as usize]
        };
        let tasks = Count {
            min: fargate_tasks(count.min),
            typical: fargate_tasks(count.typical),
            max: fargate_tasks(count.max),
        };
        self.task_extras(res, tasks, est)
    }

    /// A service's public IPv4 addresses (one per task) and its tasks' managed EBS volumes.
    pub(super) fn task_extras(
        &mut self,
        res: Res<'a>,
        tasks: Count,
        est: &mut Estimate,
    ) -> Result<(), String> {
        let Res { id, props, .. } = res;
        let public = props
            .pointer("/NetworkConfiguration/AwsvpcConfiguration/AssignPublicIp")
            .map(|v| self.text(v, &format!("{id}'s AssignPublicIp")))
            .transpose()?;
        if public == Some("ENABLED") {
            let m = self.counted(self.price_of("public_ipv4_hour"), tasks);
            res.add(
                est,
                Group::Network,
                "public IPv4 address",
                format!("one per task: {}", tasks.describe("address")),
                m,
            );
        }
        let volumes = props.get("VolumeConfigurations").and_then(Json::as_array);
        for v in volumes.into_iter().flatten() {
            let Some(ebs) = v.get("ManagedEBSVolume") else {
                continue;
            };
            let what = format!("{id}'s managed EBS volume");
            let Some(size) = ebs.get("SizeInGiB") else {
                self.assume(format!("{what} has its size from a snapshot: not counted."));
                continue;
            };
            let size = self.number(size, &format!("{what}'s SizeInGiB"))?;
            let (ty, per_gb) = self.volume_type(ebs.get("VolumeType"), &what, "gp3")?;
            let per_task = size * per_gb;
            let m = tasks.monthly(|k| per_task * k);
            res.add(
                est,
                Group::Storage,
                "EBS volume",
                format!("{} GiB {ty} per task", trim(size)),
                m,
            );
        }
        Ok(())
    }

    /// The task count of a service: its desired count, and its scalable target's range.
    pub(super) fn service_count(&mut self, id: &'a str, props: &'a Json) -> Result<Count, String> {
        let desired = props
            .get("DesiredCount")
            .map(|v| self.number(v, &format!("{id}'s DesiredCount")))
            .transpose()?;
        let daemon = props.get("SchedulingStrategy").and_then(Json::as_str) == Some("DAEMON");
        if daemon {
            return Err(
                "a daemon service runs one task per instance: counted with the instances".into(),
            );
        }
        let scaling = self.scaling_of(id, props)?;
        Ok(match (desired, scaling) {
            (Some(d), Some((lo, hi))) => Count {
                min: lo,
                typical: d.clamp(lo, hi.max(lo)),
                max: hi,
            },
            (None, Some((lo, hi))) => {
                // CloudFormation starts the service with 1 task; the scalable target then
                // keeps it within its range.
                let typical = 1f64.clamp(lo, hi.max(lo));
                self.assume(format!(
                    "{id} has no DesiredCount (auto scaling sets it): typical is {} task{}, {}.",
                    trim(typical),
                    if typical == 1.0 { "" } else { "s" },
                    if typical > 1.0 {
                        "its scaling minimum"
                    } else {
                        "what CloudFormation starts it with"
                    }
                ));
                Count {
                    min: lo,
                    typical,
                    max: hi,
                }
            }
            (Some(d), None) => Count::flat(d),
            (None, None) => {
                self.assume(format!(
                    "{id} has no DesiredCount: 1 task, CloudFormation's default."
                ));
                Count::flat(1.0)
            }
        })
    }

    /// The (MinCapacity, MaxCapacity) of the ECS scalable target whose resource ID names
    /// service `id` (by reference, or by its literal `ServiceName`).
    pub(super) fn scaling_of(
        &mut self,
        id: &str,
        props: &Json,
    ) -> Result<Option<(f64, f64)>, String> {
        let name = props.get("ServiceName").and_then(Json::as_str);
        let resources = self.resources;
        for (tid, t) in resources {
            if type_of(t) != "AWS::ApplicationAutoScaling::ScalableTarget" {
                continue;
            }
            let Some(tp) = t.get("Properties") else {
                continue;
            };
            let Some(rid) = tp.get("ResourceId") else {
                continue;
            };
            let mut ids = Vec::new();
            referenced_ids(rid, &mut ids);
            let literal = rid
                .as_str()
                .zip(name)
                .is_some_and(|(s, n)| s.starts_with("service/") && s.rsplit('/').next() == Some(n));
            if !ids.contains(&id) && !literal {
                continue;
            }
            let (Some(lo), Some(hi)) = (tp.get("MinCapacity"), tp.get("MaxCapacity")) else {
                continue;
            };
            let lo = self.number(lo, &format!("{tid}'s MinCapacity"))?;
            let hi = self.number(hi, &format!("{tid}'s MaxCapacity"))?;
            return Ok(Some((lo, hi.max(lo))));
        }
        Ok(None)
    }

    /// Where a service's tasks run: its launch type, its strategy, or its cluster's default
    /// strategy.
    pub(super) fn placement(&mut self, id: &str, props: &'a Json) -> Result<Strategy, String> {
        if let Some(lt) = props.get("LaunchType") {
            let lt = self.text(lt, &format!("{id}'s LaunchType"))?;
            return Ok(vec![(
                match lt {
                    "FARGATE" => Provider::Fargate,
                    "EC2" | "EXTERNAL" => Provider::Ec2,
                    other => return Err(format!("launch type `{other}` is not priced")),
                },
                0.0,
                1.0,
            )]);
        }
        if let Some(s) = props.get("CapacityProviderStrategy") {
            return self.strategy(s, id);
        }
        let cluster = props.get("Cluster").and_then(|c| self.target(c));
        let Some((cluster_id, cluster)) = cluster else {
            if props.get("Cluster").is_some() {
                return Err("its tasks run as its cluster's default capacity provider strategy says, and the cluster is not in this template".into());
            }
            return Err("it names no launch type, strategy or cluster in this template".into());
        };
        if let Some(s) = cluster.pointer("/Properties/DefaultCapacityProviderStrategy") {
            return self.strategy(s, cluster_id);
        }
        let resources = self.resources;
        for a in resources.values() {
            if type_of(a) != "AWS::ECS::ClusterCapacityProviderAssociations" {
                continue;
            }
            let Some(ap) = a.get("Properties") else {
                continue;
            };
            let mut ids = Vec::new();
            if let Some(c) = ap.get("Cluster") {
                referenced_ids(c, &mut ids);
            }
            if ids.contains(&cluster_id)
                && let Some(s) = ap.get("DefaultCapacityProviderStrategy")
            {
                return self.strategy(s, cluster_id);
            }
        }
        // No strategy anywhere: ECS's default launch type, EC2.
        Ok(vec![(Provider::Ec2, 0.0, 1.0)])
    }

    pub(super) fn strategy(&mut self, s: &'a Json, owner: &str) -> Result<Strategy, String> {
        let items = s
            .as_array()
            .ok_or_else(|| format!("{owner}'s capacity provider strategy is not a list"))?;
        let mut out = Vec::new();
        for item in items {
            let what = format!("{owner}'s capacity provider strategy");
            let p = item
                .get("CapacityProvider")
                .ok_or_else(|| format!("{what} has an item without CapacityProvider"))?;
            let provider = match p.as_str() {
                Some("FARGATE") => Provider::Fargate,
                Some("FARGATE_SPOT") => Provider::FargateSpot,
                _ => match self.target(p) {
                    Some((_, cp))
                        if cp.pointer("/Properties/ManagedInstancesProvider").is_some() =>
                    {
                        Provider::ManagedInstances
                    }
                    Some(_) => Provider::Ec2,
                    None => {
                        let shown = p
                            .as_str()
                            .map_or_else(|| "an expression".to_owned(), |s| format!("`{s}`"));
                        return Err(format!(
                            "{what} names capacity provider {shown}, not in this template"
                        ));
                    }
                },
            };
            let base = item
                .get("Base")
                .map(|b| self.number(b, &format!("{what}'s Base")))
                .transpose()?
                .unwrap_or(0.0);
            let weight = item
                .get("Weight")
                .map(|w| self.number(w, &format!("{what}'s Weight")))
                .transpose()?
                .unwrap_or(0.0);
            out.push((provider, base, weight));
        }
        if out.is_empty() {
            return Err(format!("{owner}'s capacity provider strategy is empty"));
        }
        Ok(out)
    }

    /// A Fargate task's size, from its task definition's (or Express service's) `Cpu`,
    /// `Memory`, `RuntimePlatform` and `EphemeralStorage`.
    pub(super) fn fargate_size(&mut self, id: &str, p: &'a Json) -> Result<FargateSize, String> {
        let cpu = p
            .get("Cpu")
            .ok_or_else(|| format!("{id} has no task-level Cpu"))?;
        let memory = p
            .get("Memory")
            .ok_or_else(|| format!("{id} has no task-level Memory"))?;
        let vcpu = self.size(cpu, &format!("{id}'s Cpu"), &["vcpu"], 1024.0)?;
        let gb = self.size(memory, &format!("{id}'s Memory"), &["gb"], 1024.0)?;
        let arm = match p.pointer("/RuntimePlatform/CpuArchitecture") {
            Some(a) => self.text(a, &format!("{id}'s CpuArchitecture"))? == "ARM64",
            None => false,
        };
        if let Some(os) = p.pointer("/RuntimePlatform/OperatingSystemFamily") {
            let os = self.text(os, &format!("{id}'s OperatingSystemFamily"))?;
            if os != "LINUX" {
                return Err(format!(
                    "{id} runs {os}, whose license fee is not in the price table"
                ));
            }
        }
        let ephemeral = match p.pointer("/EphemeralStorage/SizeInGiB") {
            Some(e) => self.number(e, &format!("{id}'s EphemeralStorage"))?,
            None => 20.0,
        };
        Ok(FargateSize {
            vcpu,
            gb,
            arm,
            ephemeral,
        })
    }

    /// A size written as units (`1024` is one vCPU or one GB) or with its unit (`1 vCPU`,
    /// `2 GB`, `0.5GB`).
    pub(super) fn size(
        &mut self,
        v: &'a Json,
        what: &str,
        units: &[&str],
        per_unit: f64,
    ) -> Result<f64, String> {
        if let Ok(x) = self.number(v, what) {
            return Ok(x / per_unit);
        }
        let text = self.text(v, what)?.trim().to_ascii_lowercase();
        for u in units {
            if let Some(n) = text.strip_suffix(u)
                && let Ok(x) = n.trim().parse::<f64>()
                && x.is_finite()
            {
                return Ok(x);
            }
        }
        Err(format!("{what} is `{text}`, not a size"))
    }

    pub(super) fn express(&mut self, res: Res<'a>, est: &mut Estimate) -> Result<(), String> {
        let Res { id, props, .. } = res;
        let size = self.fargate_size(id, props)?;
        let st = props.get("ScalingTarget");
        let num = |cx: &mut Self, k: &str, d: f64| -> Result<f64, String> {
            match st.and_then(|s| s.get(k)) {
                Some(v) => cx.number(v, &format!("{id}'s {k}")),
                None => Ok(d),
            }
        };
        let min = num(self, "MinTaskCount", 1.0)?;
        let max = num(self, "MaxTaskCount", min)?.max(min);
        let count = Count {
            min,
            typical: min,
            max,
        };
        self.assume(format!(
            "{id} is an ECS Express service: its tasks are counted; the load balancer ECS \
             shares between Express services is not in the template and not counted."
        ));
        let m = self.counted(size.per_hour(self), count);
        res.add(
            est,
            Group::Service,
            "Fargate service",
            format!("Fargate {}, {}", size.describe(), count.describe("task")),
            m,
        );
        Ok(())
    }
}

/// A Fargate task's size.
pub(super) struct FargateSize {
    vcpu: f64,
    gb: f64,
    arm: bool,
    ephemeral: f64,
}

impl FargateSize {
    pub(super) fn per_hour(&self, cx: &Cx) -> f64 {
        let (cpu, mem) = if self.arm {
            ("fargate_arm_vcpu_hour", "fargate_arm_gb_hour")
        } else {
            ("fargate_x86_vcpu_hour", "fargate_x86_gb_hour")
        };
        self.vcpu * cx.price_of(cpu)
            + self.gb * cx.price_of(mem)
            + (self.ephemeral - 20.0).max(0.0) * cx.price_of("fargate_ephemeral_gb_hour")
    }

    pub(super) fn describe(&self) -> String {
        let mut s = format!(
            "{} {} vCPU, {} GB",
            if self.arm { "ARM" } else { "x86" },
            trim(self.vcpu),
            trim(self.gb)
        );
        if self.ephemeral > 20.0 {
            s.push_str(&format!(", {} GiB storage", trim(self.ephemeral)));
        }
        s
    }
}
