//! Networking: load balancers, NAT gateways and VPC endpoints.

use super::*;

impl<'a> Cx<'a> {
    pub(super) fn load_balancer(&mut self, res: Res<'a>, est: &mut Estimate) -> Result<(), String> {
        let Res { id, props, .. } = res;
        let ty = self.text_or(id, props, "Type", "application")?;
        let (hour, lcu, kind) = match ty {
            "application" => ("alb_hour", "alb_lcu_hour", "Application Load Balancer"),
            "network" => ("nlb_hour", "nlb_lcu_hour", "Network Load Balancer"),
            other => {
                return Err(format!(
                    "a `{other}` load balancer is not in the price table"
                ));
            }
        };
        let lcus = self.assumed("lcu_per_load_balancer");
        let m = self.hourly(self.price_of(hour) + lcus * self.price_of(lcu));
        res.add(
            est,
            Group::LoadBalancer,
            kind,
            format!("{} LCU (assumed)", trim(lcus)),
            m,
        );
        let scheme = self.text_or(id, props, "Scheme", "internet-facing")?;
        let ip = self.text_or(id, props, "IpAddressType", "ipv4")?;
        if scheme == "internet-facing" && ip != "dualstack-without-public-ipv4" {
            let zones = match props.get("Subnets").or_else(|| props.get("SubnetMappings")) {
                Some(s) => self.list_len(s, &format!("{id}'s Subnets")).ok(),
                None => None,
            };
            let zones = zones.unwrap_or_else(|| {
                self.assume(format!(
                    "{id} is counted in 2 zones (its subnets are known only at deploy time)."
                ));
                2
            });
            let m = self.hourly(self.price_of("public_ipv4_hour") * zones as f64);
            res.add(
                est,
                Group::Network,
                "public IPv4 address",
                format!("one per zone: {zones}"),
                m,
            );
        }
        Ok(())
    }

    pub(super) fn nat_gateway(&mut self, res: Res<'a>, est: &mut Estimate) -> Result<(), String> {
        let Res { props, .. } = res;
        let private = props.get("ConnectivityType").and_then(Json::as_str) == Some("private");
        let gb = self.price_of("nat_gateway_gb");
        self.assume(format!(
            "Data through NAT gateways is not counted: ${} a GB in this region.",
            trim(gb)
        ));
        let what = if private {
            "a private NAT gateway"
        } else {
            "a NAT gateway (its Elastic IP counted on its own)"
        };
        res.add(
            est,
            Group::Network,
            "NAT gateway",
            what.into(),
            self.hourly(self.price_of("nat_gateway_hour")),
        );
        Ok(())
    }

    pub(super) fn endpoint(&mut self, res: Res<'a>, est: &mut Estimate) -> Result<(), String> {
        let Res { id, props, .. } = res;
        let ty = self.text_or(id, props, "VpcEndpointType", "Gateway")?;
        match ty {
            "Gateway" => return Ok(()),
            "Interface" => {}
            other => return Err(format!("a `{other}` endpoint is not in the price table")),
        }
        let zones = match props.get("SubnetIds") {
            Some(s) => self.list_len(s, &format!("{id}'s SubnetIds")).ok(),
            None => None,
        };
        let zones = zones.unwrap_or_else(|| {
            self.assume(format!(
                "{id} is counted in 2 zones (its subnets are known only at deploy time)."
            ));
            2
        });
        self.assume("Data through interface endpoints is not counted.".to_owned());
        let m = self.hourly(self.price_of("interface_endpoint_hour") * zones as f64);
        res.add(
            est,
            Group::Network,
            "interface VPC endpoint",
            format!("in {zones} zone(s)"),
            m,
        );
        Ok(())
    }
}
