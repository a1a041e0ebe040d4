//! EC2: Auto Scaling groups, instances, their block devices and EBS volumes.

use super::*;

impl<'a> Cx<'a> {
    pub(super) fn auto_scaling_group(
        &mut self,
        res: Res<'a>,
        est: &mut Estimate,
    ) -> Result<(), String> {
        let Res { id, props, .. } = res;
        let num = |cx: &mut Self, k: &str| -> Result<Option<f64>, String> {
            props
                .get(k)
                .map(|v| cx.number(v, &format!("{id}'s {k}")))
                .transpose()
        };
        let min = num(self, "MinSize")?.ok_or("it has no MinSize")?;
        let max = num(self, "MaxSize")?.ok_or("it has no MaxSize")?.max(min);
        let desired = num(self, "DesiredCapacity")?.unwrap_or(min).clamp(min, max);
        let count = Count {
            min,
            typical: desired,
            max,
        };
        let (instance_type, template) = self.asg_instance_type(id, props)?;
        let hourly = self.ec2_hourly(instance_type)?;
        if let Some(d) = props.pointer("/MixedInstancesPolicy/InstancesDistribution") {
            let pct = match d.get("OnDemandPercentageAboveBaseCapacity") {
                Some(v) => {
                    self.number(v, &format!("{id}'s OnDemandPercentageAboveBaseCapacity"))?
                }
                None => 100.0,
            };
            if pct < 100.0 {
                self.assume(format!(
                    "{id} may run Spot instances ({} % On-Demand above its base): priced On-Demand (Spot prices vary).",
                    trim(pct)
                ));
            }
        }
        let m = self.counted(hourly, count);
        res.add(
            est,
            Group::Capacity,
            "EC2 instances",
            format!("{instance_type}, {}", count.describe("instance")),
            m,
        );
        if let Some(t) = template {
            self.block_devices(
                res,
                t.pointer("/Properties/LaunchTemplateData/BlockDeviceMappings"),
                count,
                est,
            )?;
        }
        Ok(())
    }

    /// The instance type of an Auto Scaling group, and its launch template when it has one.
    pub(super) fn asg_instance_type(
        &mut self,
        id: &str,
        props: &'a Json,
    ) -> Result<(&'a str, Option<&'a Json>), String> {
        let spec = props.get("LaunchTemplate").or_else(|| {
            props.pointer("/MixedInstancesPolicy/LaunchTemplate/LaunchTemplateSpecification")
        });
        if let Some(o) = props.pointer("/MixedInstancesPolicy/LaunchTemplate/Overrides/0") {
            if o.get("InstanceRequirements").is_some() {
                return Err(
                    "its instance types are chosen by attributes (InstanceRequirements)".into(),
                );
            }
            if let Some(t) = o.get("InstanceType") {
                self.assume(format!(
                    "{id} is priced as its first override's instance type."
                ));
                let lt = spec.and_then(|s| self.launch_template(s));
                return Ok((self.text(t, &format!("{id}'s instance type"))?, lt));
            }
        }
        if let Some(s) = spec {
            let lt = self
                .launch_template(s)
                .ok_or("its launch template is not in this template")?;
            let t = lt
                .pointer("/Properties/LaunchTemplateData/InstanceType")
                .ok_or("its launch template names no InstanceType")?;
            return Ok((self.text(t, &format!("{id}'s instance type"))?, Some(lt)));
        }
        if let Some(lc) = props.get("LaunchConfigurationName") {
            let (_, lc) = self
                .target(lc)
                .ok_or("its launch configuration is not in this template")?;
            let t = lc
                .pointer("/Properties/InstanceType")
                .ok_or("its launch configuration names no InstanceType")?;
            return Ok((self.text(t, &format!("{id}'s instance type"))?, None));
        }
        Err("it names no launch template or configuration".into())
    }

    pub(super) fn launch_template(&self, spec: &'a Json) -> Option<&'a Json> {
        ["LaunchTemplateId", "LaunchTemplateName"]
            .iter()
            .find_map(|k| spec.get(k).and_then(|v| self.target(v)))
            .map(|(_, t)| t)
    }

    pub(super) fn ec2_hourly(&self, instance_type: &str) -> Result<f64, String> {
        self.prices
            .ec2_linux_hour
            .get(instance_type)
            .copied()
            .ok_or_else(|| {
                format!("instance type `{instance_type}` is not in the price table for this region")
            })
    }

    pub(super) fn instance(&mut self, res: Res<'a>, est: &mut Estimate) -> Result<(), String> {
        let Res { id, props, .. } = res;
        let t = self.text_or(id, props, "InstanceType", "m1.small")?;
        let hourly = self.ec2_hourly(t)?;
        res.add(
            est,
            Group::Capacity,
            "EC2 instances",
            format!("{t}, 1 instance"),
            self.hourly(hourly),
        );
        self.block_devices(res, props.get("BlockDeviceMappings"), Count::flat(1.0), est)
    }

    /// The EBS volumes an instance's block device mappings ask for, per instance.
    pub(super) fn block_devices(
        &mut self,
        res: Res<'a>,
        mappings: Option<&'a Json>,
        n: Count,
        est: &mut Estimate,
    ) -> Result<(), String> {
        let id = res.id;
        let mut gb_month = 0.0;
        let mut parts = Vec::new();
        for m in mappings.and_then(Json::as_array).into_iter().flatten() {
            let Some(ebs) = m.get("Ebs") else { continue };
            let Some(size) = ebs.get("VolumeSize") else {
                continue;
            };
            let size = self.number(size, &format!("{id}'s VolumeSize"))?;
            let (ty, per_gb) = self.volume_type(ebs.get("VolumeType"), id, "gp2")?;
            gb_month += size * per_gb;
            parts.push(format!("{} GiB {ty}", trim(size)));
        }
        if parts.is_empty() {
            self.assume(format!(
                "{id}'s root volume from its AMI is not counted (its size is the AMI's)."
            ));
            return Ok(());
        }
        let m = n.monthly(|k| gb_month * k);
        res.add(
            est,
            Group::Storage,
            "EBS volume",
            format!("{} per instance", parts.join(" + ")),
            m,
        );
        Ok(())
    }

    pub(super) fn ebs_gb_month(&self, volume_type: &str) -> Result<f64, String> {
        let key = format!("ebs_{volume_type}_gb_month");
        self.prices
            .prices
            .get(&key)
            .copied()
            .ok_or_else(|| format!("EBS volume type `{volume_type}` is not in the price table"))
    }

    pub(super) fn volume(&mut self, res: Res<'a>, est: &mut Estimate) -> Result<(), String> {
        let Res { id, props, .. } = res;
        let size = props.get("Size").ok_or("its size comes from a snapshot")?;
        let size = self.number(size, &format!("{id}'s Size"))?;
        let (ty, per_gb) = self.volume_type(props.get("VolumeType"), id, "gp2")?;
        let m = Monthly::flat(size * per_gb);
        if props.get("Iops").is_some() || props.get("Throughput").is_some() {
            self.assume(format!(
                "{id}'s provisioned IOPS or throughput are not counted."
            ));
        }
        res.add(
            est,
            Group::Storage,
            "EBS volume",
            format!("{} GiB {ty}", trim(size)),
            m,
        );
        Ok(())
    }
}
