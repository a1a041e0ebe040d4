//! Where a stack is deployed: an AWS account and region ([`Env`]).

/// The account and region a stack is deployed to, and the role other accounts read its
/// outputs through. A stack without one goes wherever the AWS settings of the deploy say.
///
/// Stacks of one app in different places refer to each other through handles as usual: in
/// the same account and region that is `Fn::ImportValue` of an export; otherwise the
/// consuming stack reads the producing stack's output with `Fn::GetStackOutput` (its region,
/// and across accounts the producer's [`Env::lookup_role`]), and the output has no export.
///
/// ```
/// use ferroform::{App, Env, Stack};
/// use ferroform::resources::logs;
/// let mut platform = Stack::new("Platform");
/// platform.env(Env::new("111111111111", "eu-west-1"));
/// let logs = platform.add("Logs", logs::LogGroup::new());
/// let mut service = Stack::new("Service");
/// service.env(Env::new("111111111111", "us-east-1"));
/// service.add("Own", logs::LogGroup::new());
/// service.output("PlatformLogs", logs.to_ref());
/// let mut app = App::new();
/// app.add(platform).add(service);
/// let t = app.synth().unwrap();
/// assert_eq!(
///     t[1].body()["Outputs"]["PlatformLogs"]["Value"]["Fn::GetStackOutput"]["Region"],
///     "eu-west-1"
/// );
/// assert!(t[0].body()["Outputs"]["ExportLogsRef"].get("Export").is_none());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Env {
    account: Option<String>,
    region: Option<String>,
    lookup_role: Option<String>,
}

impl Env {
    /// Account `account` (12 digits), region `region` (`eu-west-1`).
    pub fn new(account: impl Into<String>, region: impl Into<String>) -> Env {
        Env {
            account: Some(account.into()),
            region: Some(region.into()),
            lookup_role: None,
        }
    }

    /// Region `region`, in the account of the deploy's credentials.
    pub fn region(region: impl Into<String>) -> Env {
        Env {
            region: Some(region.into()),
            ..Env::default()
        }
    }

    /// The role (ARN) that stacks of other accounts use to read this stack's outputs: it must
    /// allow `cloudformation:DescribeStacks` on this stack and trust the consuming stacks'
    /// execution roles (`Fn::GetStackOutput`'s `RoleArn`).
    #[must_use]
    pub fn lookup_role(mut self, arn: impl Into<String>) -> Env {
        self.lookup_role = Some(arn.into());
        self
    }

    /// The account, when bound.
    pub fn account(&self) -> Option<&str> {
        self.account.as_deref()
    }

    /// The region, when bound.
    pub fn region_name(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The lookup role, when given.
    pub fn lookup_role_arn(&self) -> Option<&str> {
        self.lookup_role.as_deref()
    }
}
