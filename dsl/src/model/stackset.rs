//! Deploying one stack's template to many accounts and regions: [`StackSet`].

use crate::model::diag::Diagnostic;
use crate::rules;

/// How a stack of an app is deployed as a CloudFormation StackSet: one template, one stack
/// instance in each target account (or each account of the target organizational units) in
/// each region. Add it with [`App::add_stack_set`](crate::App::add_stack_set).
///
/// `deploy` creates the stack set (or updates its template, parameters and tags, which
/// updates every instance), creates the instances the program adds and deletes, after
/// approval (`--yes` in CI), those it no longer lists; `destroy` deletes every instance,
/// then the set. Each operation reports a line per account and region. `status` shows the
/// set and its instances.
///
/// Defaults, each CloudFormation's own, and why they are kept:
/// - one account at a time, no failure tolerated, regions one after the other
///   ([`StackSet::max_concurrent`], [`StackSet::failure_tolerance`],
///   [`StackSet::regions_in_parallel`]): a template that fails stops in the first account
///   instead of failing everywhere;
/// - service-managed sets deploy automatically to accounts that join a target unit, and
///   delete the stack from an account that leaves it ([`StackSet::auto_deployment`]): a
///   per-account baseline should cover every account, and an account that leaves the
///   organization unit should not keep resources nobody manages;
/// - self-managed sets use the roles `AWSCloudFormationStackSetAdministrationRole` (in the
///   administrator account) and `AWSCloudFormationStackSetExecutionRole` (in each target).
///
/// A stack set's template cannot use handles of the app's other stacks, nor give its
/// handles to them: its instances live in other accounts and regions (`FF1012`). Pass
/// values in as parameters instead. Nor can it build images from source (`FF1013`): they
/// would be published to the deploying account only.
///
/// ```
/// use ferroform::{App, Stack, StackSet};
/// use ferroform::model::stackset::Limit;
/// use ferroform::resources::logs;
/// let mut baseline = Stack::new("LoggingBaseline");
/// baseline.add("AuditLogs", logs::LogGroup::new().retention_in_days(365));
/// let mut app = App::new();
/// app.add_stack_set(
///     baseline,
///     StackSet::self_managed()
///         .accounts(["111111111111", "222222222222"])
///         .regions(["us-east-1", "eu-west-1"])
///         .max_concurrent(Limit::Percentage(50)),
/// );
/// let t = app.synth().unwrap();
/// let set = t[0].stack_set().unwrap();
/// assert_eq!(set.instances().len(), 4);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackSet {
    permissions: Permissions,
    targets: Vec<String>,
    regions: Vec<String>,
    max_concurrent: Option<Limit>,
    failure_tolerance: Option<Limit>,
    parallel_regions: bool,
    region_order: Vec<String>,
    soft_failure_tolerance: bool,
}

/// Who creates the stack instances.
///
/// ```
/// use ferroform::StackSet;
/// use ferroform::model::stackset::Permissions;
/// let set = StackSet::service_managed().auto_deployment(true, true);
/// assert!(matches!(
///     set.permissions(),
///     Permissions::ServiceManaged { retain_stacks_on_account_removal: true, .. }
/// ));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Permissions {
    /// The administrator account's role assumes an execution role in each target account
    /// (targets are account IDs).
    SelfManaged {
        /// `AdministrationRoleARN`; `None`: `AWSCloudFormationStackSetAdministrationRole`.
        administration_role: Option<String>,
        /// `ExecutionRoleName`; `None`: `AWSCloudFormationStackSetExecutionRole`.
        execution_role_name: Option<String>,
    },
    /// AWS Organizations trusted access (targets are organizational unit IDs or the root).
    ServiceManaged {
        /// Deploy to accounts that join a target unit (and delete from those that leave).
        auto_deployment: bool,
        /// With automatic deployment: keep (not delete) the stack of an account that leaves.
        retain_stacks_on_account_removal: bool,
        /// Act as a delegated administrator of the organization (`CallAs DELEGATED_ADMIN`),
        /// not from the management account.
        delegated_admin: bool,
    },
}

/// A number of accounts, or a share of them (for [`StackSet::max_concurrent`] and
/// [`StackSet::failure_tolerance`]).
///
/// ```
/// use ferroform::StackSet;
/// use ferroform::model::stackset::Limit;
/// // A quarter of the accounts at once; stop a region after a second failed account.
/// let set = StackSet::self_managed()
///     .max_concurrent(Limit::Percentage(25))
///     .failure_tolerance(Limit::Count(1));
/// assert_eq!(set.max_concurrent_limit(), Some(Limit::Percentage(25)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// This many accounts.
    Count(u32),
    /// This percentage of the accounts (CloudFormation rounds down, to at least one for
    /// [`StackSet::max_concurrent`]).
    Percentage(u32),
}

impl StackSet {
    /// A self-managed stack set: targets are accounts ([`StackSet::accounts`]).
    pub fn self_managed() -> StackSet {
        StackSet::with(Permissions::SelfManaged {
            administration_role: None,
            execution_role_name: None,
        })
    }

    /// A service-managed stack set (AWS Organizations): targets are organizational units
    /// ([`StackSet::organizational_units`]); automatic deployment on.
    pub fn service_managed() -> StackSet {
        StackSet::with(Permissions::ServiceManaged {
            auto_deployment: true,
            retain_stacks_on_account_removal: false,
            delegated_admin: false,
        })
    }

    fn with(permissions: Permissions) -> StackSet {
        StackSet {
            permissions,
            targets: Vec::new(),
            regions: Vec::new(),
            max_concurrent: None,
            failure_tolerance: None,
            parallel_regions: false,
            region_order: Vec::new(),
            soft_failure_tolerance: false,
        }
    }

    /// The target accounts (12-digit IDs) of a self-managed set; added to those given
    /// before, each once.
    #[must_use]
    pub fn accounts<S: Into<String>>(mut self, accounts: impl IntoIterator<Item = S>) -> Self {
        push_unique(&mut self.targets, accounts);
        self
    }

    /// The target organizational units (`ou-...`) or root (`r-...`) of a service-managed
    /// set; added to those given before, each once.
    #[must_use]
    pub fn organizational_units<S: Into<String>>(
        mut self,
        units: impl IntoIterator<Item = S>,
    ) -> Self {
        push_unique(&mut self.targets, units);
        self
    }

    /// The regions of the instances; added to those given before, each once.
    #[must_use]
    pub fn regions<S: Into<String>>(mut self, regions: impl IntoIterator<Item = S>) -> Self {
        push_unique(&mut self.regions, regions);
        self
    }

    /// At most this many accounts at once per region (default: 1).
    #[must_use]
    pub fn max_concurrent(mut self, limit: Limit) -> Self {
        self.max_concurrent = Some(limit);
        self
    }

    /// Stop an operation in a region after more than this many failed accounts (default: 0).
    #[must_use]
    pub fn failure_tolerance(mut self, limit: Limit) -> Self {
        self.failure_tolerance = Some(limit);
        self
    }

    /// Let the operation run at [`StackSet::max_concurrent`] whatever the failures
    /// (`SOFT_FAILURE_TOLERANCE`); by default CloudFormation lowers the concurrency so that
    /// failures never exceed the tolerance by more than one.
    #[must_use]
    pub fn soft_failure_tolerance(mut self) -> Self {
        self.soft_failure_tolerance = true;
        self
    }

    /// Deploy to all regions at once (default: one region after the other).
    #[must_use]
    pub fn regions_in_parallel(mut self) -> Self {
        self.parallel_regions = true;
        self
    }

    /// The order of the regions (each must be one of [`StackSet::regions`]; regions not
    /// named follow in the order given there).
    #[must_use]
    pub fn region_order<S: Into<String>>(mut self, order: impl IntoIterator<Item = S>) -> Self {
        self.region_order = order.into_iter().map(Into::into).collect();
        self
    }

    /// A self-managed set's administration role (ARN) and execution role name.
    #[must_use]
    pub fn roles(
        mut self,
        administration_role_arn: impl Into<String>,
        execution_role_name: impl Into<String>,
    ) -> Self {
        self.permissions = Permissions::SelfManaged {
            administration_role: Some(administration_role_arn.into()),
            execution_role_name: Some(execution_role_name.into()),
        };
        self
    }

    /// A service-managed set's automatic deployment: on or off, and whether an account
    /// that leaves a target unit keeps its stack.
    #[must_use]
    pub fn auto_deployment(
        mut self,
        enabled: bool,
        retain_stacks_on_account_removal: bool,
    ) -> Self {
        if let Permissions::ServiceManaged {
            auto_deployment,
            retain_stacks_on_account_removal: retain,
            ..
        } = &mut self.permissions
        {
            *auto_deployment = enabled;
            *retain = retain_stacks_on_account_removal;
        }
        self
    }

    /// A service-managed set administered from a delegated administrator account.
    #[must_use]
    pub fn delegated_admin(mut self) -> Self {
        if let Permissions::ServiceManaged {
            delegated_admin, ..
        } = &mut self.permissions
        {
            *delegated_admin = true;
        }
        self
    }

    /// Who creates the instances.
    pub fn permissions(&self) -> &Permissions {
        &self.permissions
    }

    /// True for a service-managed set.
    pub fn is_service_managed(&self) -> bool {
        matches!(self.permissions, Permissions::ServiceManaged { .. })
    }

    /// The target accounts or organizational units.
    pub fn targets(&self) -> &[String] {
        &self.targets
    }

    /// The regions.
    pub fn regions_list(&self) -> &[String] {
        &self.regions
    }

    /// Every (target, region) pair: one instance each (one per account of the unit, for a
    /// service-managed set).
    pub fn instances(&self) -> Vec<(String, String)> {
        self.targets
            .iter()
            .flat_map(|t| self.regions.iter().map(move |r| (t.clone(), r.clone())))
            .collect()
    }

    /// The maximum concurrency, when set.
    pub fn max_concurrent_limit(&self) -> Option<Limit> {
        self.max_concurrent
    }

    /// The failure tolerance, when set.
    pub fn failure_tolerance_limit(&self) -> Option<Limit> {
        self.failure_tolerance
    }

    /// True when regions are deployed in parallel.
    pub fn parallel_regions(&self) -> bool {
        self.parallel_regions
    }

    /// True with `SOFT_FAILURE_TOLERANCE`.
    pub fn is_soft_failure_tolerance(&self) -> bool {
        self.soft_failure_tolerance
    }

    /// The regions in the order operations go through them: [`StackSet::region_order`]
    /// first, then the others.
    pub fn ordered_regions(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .region_order
            .iter()
            .filter(|r| self.regions.contains(r))
            .cloned()
            .collect();
        for r in &self.regions {
            if !out.contains(r) {
                out.push(r.clone());
            }
        }
        out
    }

    /// What is wrong with the set of stack `stack`, every problem (`FF1011`). The patterns
    /// are the CloudFormation API's (`CreateStackInstances`: `Accounts`,
    /// `DeploymentTargets.OrganizationalUnitIds`, `Regions`; `StackSetOperationPreferences`
    /// ranges).
    pub(crate) fn problems(&self, stack: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let mut bad = |message: String, hint: &str| {
            out.push(Diagnostic {
                hint: Some(hint.to_owned()),
                ..Diagnostic::new(rules::INVALID_STACK_SET, stack, message)
            });
        };
        let service = self.is_service_managed();
        if self.targets.is_empty() {
            bad(
                format!(
                    "the stack set has no {}",
                    if service {
                        "organizational units"
                    } else {
                        "accounts"
                    }
                ),
                if service {
                    "name them with `.organizational_units([\"ou-...\"])`"
                } else {
                    "name them with `.accounts([\"111111111111\"])`"
                },
            );
        }
        if self.regions.is_empty() {
            bad(
                "the stack set has no regions".into(),
                "name them with `.regions([\"us-east-1\"])`",
            );
        }
        for t in &self.targets {
            if service && !valid_unit(t) {
                bad(
                    format!("`{t}` is not an organizational unit or root ID"),
                    "a unit is ou-<root>-<unit> (ou-ab12-cd34ef56), the root r-<id>; a self-managed set (`StackSet::self_managed`) takes account IDs",
                );
            } else if !service && !valid_account(t) {
                bad(
                    format!("`{t}` is not an account ID"),
                    "an account ID has 12 digits; a service-managed set (`StackSet::service_managed`) takes organizational units",
                );
            }
        }
        for r in &self.regions {
            if !valid_region(r) {
                bad(
                    format!("`{r}` is not a region name"),
                    "a region is named like us-east-1 or ap-southeast-2",
                );
            }
        }
        for r in &self.region_order {
            if !self.regions.contains(r) {
                bad(
                    format!("the region order names `{r}`, which is not one of the set's regions"),
                    "list it in `.regions([...])` too, or leave it out of the order",
                );
            }
        }
        match self.max_concurrent {
            Some(Limit::Count(0)) => bad(
                "at most 0 accounts at once would never deploy".into(),
                "MaxConcurrentCount is at least 1",
            ),
            Some(Limit::Percentage(p)) if !(1..=100).contains(&p) => bad(
                format!("at most {p}% of the accounts at once is not a percentage from 1 to 100"),
                "MaxConcurrentPercentage is 1 to 100",
            ),
            _ => {}
        }
        if let Some(Limit::Percentage(p)) = self.failure_tolerance
            && p > 100
        {
            bad(
                format!("a failure tolerance of {p}% is over 100%"),
                "FailureTolerancePercentage is 0 to 100",
            );
        }
        out
    }

    /// The set as the app manifest writes it.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::json!({
            "permissionModel": if self.is_service_managed() { "SERVICE_MANAGED" } else { "SELF_MANAGED" },
            "targets": self.targets,
            "regions": self.regions,
        });
        let limit = |l: Limit| match l {
            Limit::Count(n) => serde_json::json!({ "count": n }),
            Limit::Percentage(p) => serde_json::json!({ "percentage": p }),
        };
        if let Some(l) = self.max_concurrent {
            v["maxConcurrent"] = limit(l);
        }
        if let Some(l) = self.failure_tolerance {
            v["failureTolerance"] = limit(l);
        }
        if self.parallel_regions {
            v["parallelRegions"] = true.into();
        }
        if !self.region_order.is_empty() {
            v["regionOrder"] = self.region_order.clone().into();
        }
        if self.soft_failure_tolerance {
            v["softFailureTolerance"] = true.into();
        }
        match &self.permissions {
            Permissions::SelfManaged {
                administration_role,
                execution_role_name,
            } => {
                if let Some(r) = administration_role {
                    v["administrationRole"] = r.clone().into();
                }
                if let Some(r) = execution_role_name {
                    v["executionRoleName"] = r.clone().into();
                }
            }
            Permissions::ServiceManaged {
                auto_deployment,
                retain_stacks_on_account_removal,
                delegated_admin,
            } => {
                v["autoDeployment"] = (*auto_deployment).into();
                v["retainStacksOnAccountRemoval"] = (*retain_stacks_on_account_removal).into();
                if *delegated_admin {
                    v["delegatedAdmin"] = true.into();
                }
            }
        }
        v
    }

    /// Read what [`StackSet::to_json`] wrote; the error names the field.
    pub(crate) fn from_json(v: &serde_json::Value) -> Result<StackSet, String> {
        let strings = |k: &str| -> Result<Vec<String>, String> {
            match v.get(k) {
                None => Ok(Vec::new()),
                Some(serde_json::Value::Array(items)) => items
                    .iter()
                    .map(|i| {
                        i.as_str()
                            .map(str::to_owned)
                            .ok_or_else(|| format!("`{k}` holds a value that is not a string"))
                    })
                    .collect(),
                Some(_) => Err(format!("`{k}` is not a list")),
            }
        };
        let text = |k: &str| v.get(k).and_then(serde_json::Value::as_str);
        let flag = |k: &str| v.get(k).and_then(serde_json::Value::as_bool);
        let limit = |k: &str| -> Result<Option<Limit>, String> {
            let Some(l) = v.get(k) else { return Ok(None) };
            let n = |f: &str| {
                l.get(f)
                    .and_then(serde_json::Value::as_u64)
                    .and_then(|n| u32::try_from(n).ok())
            };
            match (n("count"), n("percentage")) {
                (Some(c), None) => Ok(Some(Limit::Count(c))),
                (None, Some(p)) => Ok(Some(Limit::Percentage(p))),
                _ => Err(format!(
                    "`{k}` is not {{\"count\": N}} or {{\"percentage\": N}}"
                )),
            }
        };
        let mut set = match text("permissionModel") {
            Some("SELF_MANAGED") => StackSet::self_managed(),
            Some("SERVICE_MANAGED") => StackSet::service_managed(),
            other => {
                return Err(format!(
                    "`permissionModel` is {}, not SELF_MANAGED or SERVICE_MANAGED",
                    other.unwrap_or("missing")
                ));
            }
        };
        set.targets = strings("targets")?;
        set.regions = strings("regions")?;
        set.region_order = strings("regionOrder")?;
        set.max_concurrent = limit("maxConcurrent")?;
        set.failure_tolerance = limit("failureTolerance")?;
        set.parallel_regions = flag("parallelRegions").unwrap_or(false);
        set.soft_failure_tolerance = flag("softFailureTolerance").unwrap_or(false);
        match &mut set.permissions {
            Permissions::SelfManaged {
                administration_role,
                execution_role_name,
            } => {
                *administration_role = text("administrationRole").map(str::to_owned);
                *execution_role_name = text("executionRoleName").map(str::to_owned);
            }
            Permissions::ServiceManaged {
                auto_deployment,
                retain_stacks_on_account_removal,
                delegated_admin,
            } => {
                *auto_deployment = flag("autoDeployment").unwrap_or(true);
                *retain_stacks_on_account_removal =
                    flag("retainStacksOnAccountRemoval").unwrap_or(false);
                *delegated_admin = flag("delegatedAdmin").unwrap_or(false);
            }
        }
        Ok(set)
    }
}

fn push_unique<S: Into<String>>(list: &mut Vec<String>, items: impl IntoIterator<Item = S>) {
    for i in items {
        let i = i.into();
        if !list.contains(&i) {
            list.push(i);
        }
    }
}

/// An account ID: 12 digits (`^[0-9]{12}$`).
pub(crate) fn valid_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// An organizational unit (`^ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$`) or root
/// (`^r-[a-z0-9]{4,32}$`) ID.
fn valid_unit(s: &str) -> bool {
    let part = |p: &str, min: usize| {
        (min..=32).contains(&p.len())
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    if let Some(rest) = s.strip_prefix("ou-") {
        return rest
            .split_once('-')
            .is_some_and(|(root, unit)| part(root, 4) && part(unit, 8));
    }
    s.strip_prefix("r-").is_some_and(|root| part(root, 4))
}

/// A region name as AWS writes them: lowercase words joined by hyphens, ending in a number
/// (`us-east-1`, `us-gov-west-1`, `ap-southeast-2`).
pub(crate) fn valid_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts
            .last()
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_and_region_patterns() {
        assert!(valid_account("123456789012"));
        assert!(!valid_account("12345678901"));
        assert!(!valid_account("12345678901a"));
        assert!(valid_unit("ou-ab12-cd34ef56"));
        assert!(valid_unit("r-ab12"));
        assert!(!valid_unit("ou-ab1-cd34ef56"));
        assert!(!valid_unit("ou-ab12-cd34ef5"));
        assert!(!valid_unit("ou-AB12-cd34ef56"));
        assert!(!valid_unit("123456789012"));
        for r in [
            "us-east-1",
            "us-gov-west-1",
            "ap-southeast-2",
            "il-central-1",
        ] {
            assert!(valid_region(r), "{r}");
        }
        for r in ["useast1", "us-east", "US-east-1", "us--1", ""] {
            assert!(!valid_region(r), "{r}");
        }
    }

    #[test]
    fn every_problem_at_once() {
        let set = StackSet::self_managed()
            .accounts(["ou-ab12-cd34ef56", "12"])
            .regions(["us-east-1", "nowhere"])
            .region_order(["eu-west-1"])
            .max_concurrent(Limit::Percentage(0))
            .failure_tolerance(Limit::Percentage(101));
        let p = set.problems("Baseline");
        let text: Vec<String> = p.iter().map(|d| d.message.clone()).collect();
        assert_eq!(p.len(), 6, "{text:#?}");
        assert!(p.iter().all(|d| d.rule == rules::INVALID_STACK_SET));
        assert!(text[0].contains("`ou-ab12-cd34ef56` is not an account ID"));
        assert!(text[2].contains("`nowhere`"));
        assert!(text[3].contains("eu-west-1"));
        let none = StackSet::service_managed();
        assert_eq!(none.problems("B").len(), 2);
        assert!(
            StackSet::service_managed()
                .organizational_units(["r-ab12"])
                .regions(["us-east-1"])
                .problems("B")
                .is_empty()
        );
    }

    #[test]
    fn manifest_form_round_trips() {
        for set in [
            StackSet::self_managed()
                .accounts(["111111111111"])
                .regions(["us-east-1", "eu-west-1"])
                .region_order(["eu-west-1"])
                .max_concurrent(Limit::Count(3))
                .failure_tolerance(Limit::Percentage(10))
                .regions_in_parallel()
                .soft_failure_tolerance()
                .roles("arn:aws:iam::111111111111:role/Admin", "Exec"),
            StackSet::service_managed()
                .organizational_units(["ou-ab12-cd34ef56"])
                .regions(["us-east-1"])
                .auto_deployment(false, true)
                .delegated_admin(),
        ] {
            assert_eq!(StackSet::from_json(&set.to_json()).unwrap(), set);
        }
        assert!(
            StackSet::from_json(&serde_json::json!({"permissionModel": "X"}))
                .unwrap_err()
                .contains("permissionModel")
        );
    }

    #[test]
    fn region_order_comes_first() {
        let set = StackSet::self_managed()
            .regions(["us-east-1", "eu-west-1", "ap-south-1"])
            .region_order(["ap-south-1"]);
        assert_eq!(
            set.ordered_regions(),
            ["ap-south-1", "us-east-1", "eu-west-1"]
        );
    }
}
