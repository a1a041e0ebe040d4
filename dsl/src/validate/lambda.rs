//! Lambda runtimes AWS no longer lets you use (`FF2016`, `FF2017`): the `Runtime` of an
//! `AWS::Lambda::Function`, of an `AWS::Serverless::Function` and SAM's
//! `Globals.Function.Runtime`, checked against the one table of runtime lifecycles,
//! [`RUNTIMES`].
//!
//! AWS Lambda deprecates a managed runtime in steps (AWS Lambda Developer Guide, Lambda
//! runtimes, <https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html>): from its
//! *deprecation date* it gets no more security patches and no technical support; from its
//! *block function create* date `CreateFunction` refuses it; from its *block function update*
//! date `UpdateFunctionConfiguration` and `UpdateFunctionCode` refuse it too. Functions that
//! already exist keep running. So, with `today` the date of the check:
//!
//! - **`FF2016` (error)** once the create block has begun: a new stack fails, and so does any
//!   update that replaces the function. The message says whether updates are blocked yet.
//! - **`FF2017` (warning)** when the runtime is deprecated but still creatable — or, a case no
//!   runtime of the table is in, when updates are blocked while creation is not. The stack
//!   still deploys; the message gives the dates still to come.
//!
//! Both name the newest runtime of the same language (the same "family") as the fix. The
//! split follows what CloudFormation does with the template today: an error exactly when a
//! create fails (cfn-lint reports these as E2531 and E2533, and a deprecated-only runtime as
//! the warning W2531).
//!
//! Only a literal runtime is checked, or a `Ref` to a parameter whose `Default` is one (the
//! stack deployed with its defaults); any other expression is left alone.
//!
//! "Today" is the date in the Pacific time zone: "each phase starts at midnight (Pacific
//! time zone) on the specified date" (the same page, in its 2022 version). [`Date::today`]
//! takes UTC−8 (standard time), so during daylight saving time it turns an hour late, never
//! early.

use super::{Cx, lit_str, ref_target};
use crate::model::json::Field;
use crate::model::render::Json;
use crate::rules;

/// A calendar date (proleptic Gregorian), ordered in time.
///
/// ```
/// use ferroform::validate::Date;
/// let d: Date = "2023-03-31".parse().unwrap();
/// assert_eq!(d, Date::new(2023, 3, 31).unwrap());
/// assert!(d < Date::new(2023, 4, 1).unwrap());
/// assert_eq!(d.to_string(), "2023-03-31");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    // Field order is time order, for the derived `Ord`.
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// The date, if it is one (`2023-02-29` is not).
    pub const fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// A date of the table, written in code: panics (at compile time) if it is not one.
    const fn ymd(year: i32, month: u8, day: u8) -> Date {
        match Date::new(year, month, day) {
            Some(d) => d,
            None => panic!("not a date"),
        }
    }

    /// The year.
    pub const fn year(self) -> i32 {
        self.year
    }

    /// The month, 1 to 12.
    pub const fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, from 1.
    pub const fn day(self) -> u8 {
        self.day
    }

    /// Today in the Pacific time zone, from the system clock: AWS Lambda's runtime
    /// deprecation phases start "at midnight (Pacific time zone) on the specified date"
    /// (<https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html>, 2022). UTC−8 (standard
    /// time) is taken, so during daylight saving time the date turns an hour late, never
    /// early. A clock set before 1970 reads as 1970-01-01.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::pacific(i64::try_from(secs).unwrap_or(i64::MAX))
    }

    /// The date in the Pacific time zone (standard time, UTC−8) at `unix_secs` seconds after
    /// 1970-01-01T00:00:00Z.
    const fn pacific(unix_secs: i64) -> Date {
        Date::from_days(unix_secs.saturating_sub(8 * 3600).div_euclid(86_400))
    }

    /// Days since 1970-01-01 (negative before).
    pub const fn days_since_epoch(self) -> i64 {
        days_from_civil(self.year as i64, self.month as i64, self.day as i64)
    }

    /// The date `days` days after 1970-01-01 (before it when negative).
    pub const fn from_days(days: i64) -> Date {
        let (y, m, d) = civil_from_days(days);
        Date {
            year: y as i32,
            month: m as u8,
            day: d as u8,
        }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl std::str::FromStr for Date {
    type Err = String;

    /// `YYYY-MM-DD`.
    fn from_str(s: &str) -> Result<Date, String> {
        let bad = || format!("`{s}` is not a date (YYYY-MM-DD)");
        let mut parts = s.trim().splitn(3, '-');
        let mut field = |len: usize| -> Result<u32, String> {
            let p = parts.next().ok_or_else(bad)?;
            if p.len() != len || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            p.parse().map_err(|_| bad())
        };
        let (y, m, d) = (field(4)?, field(2)?, field(2)?);
        Date::new(y as i32, m as u8, d as u8).ok_or_else(bad)
    }
}

const fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

const fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the date `y-m-d` (proleptic Gregorian): Howard Hinnant's
/// `days_from_civil` (<https://howardhinnant.github.io/date_algorithms.html>), which counts in
/// 400-year eras of 146,097 days, each year starting on March 1 so that the leap day is the
/// last of its year.
const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let mp = (m + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + d - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`] (Hinnant's `civil_from_days`).
const fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // March = 0
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

/// The language of a runtime: its newest runtime is the fix for the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    NodeJs,
    Python,
    Java,
    DotNet,
    Ruby,
    /// OS-only runtimes (`provided*`), where `go1.x` functions move too.
    OsOnly,
}

impl Family {
    /// The newest runtime of the family on the AWS page.
    pub(crate) const fn newest(self) -> &'static str {
        match self {
            Family::NodeJs => "nodejs24.x",
            Family::Python => "python3.14",
            Family::Java => "java25",
            Family::DotNet => "dotnet10",
            Family::Ruby => "ruby4.0",
            Family::OsOnly => "provided.al2023",
        }
    }

    const fn language(self) -> &'static str {
        match self {
            Family::NodeJs => "Node.js",
            Family::Python => "Python",
            Family::Java => "Java",
            Family::DotNet => ".NET",
            Family::Ruby => "Ruby",
            Family::OsOnly => "OS-only",
        }
    }
}

/// One managed runtime and the three dates of its deprecation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Runtime {
    /// The `Runtime` value (`nodejs12.x`).
    pub id: &'static str,
    pub family: Family,
    /// Deprecation date: no more security patches or technical support.
    pub deprecated: Date,
    /// Block function create: `CreateFunction` refuses the runtime from this date.
    pub block_create: Date,
    /// Block function update: updating a function on the runtime is refused from this date.
    pub block_update: Date,
}

const fn rt(
    id: &'static str,
    family: Family,
    deprecated: (i32, u8, u8),
    block_create: (i32, u8, u8),
    block_update: (i32, u8, u8),
) -> Runtime {
    Runtime {
        id,
        family,
        deprecated: Date::ymd(deprecated.0, deprecated.1, deprecated.2),
        block_create: Date::ymd(block_create.0, block_create.1, block_create.2),
        block_update: Date::ymd(block_update.0, block_update.1, block_update.2),
    }
}

use Family::{DotNet, Java, NodeJs, OsOnly, Python, Ruby};

/// Every managed runtime with deprecation dates: deprecation, block function create, block
/// function update. Read on 2026-12-04.
///
/// The facts are those of the AWS Lambda Developer Guide, Lambda runtimes
/// (<https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html>, the tables of
/// supported and of deprecated runtimes), whose dates AWS has moved more than once. They were
/// read through two channels and cross-checked:
///
/// - cfn-lint 1.58.0's table (`cfnlint/data/AdditionalSpecs/LmbdRuntimeLifecycle.json`,
///   which cfn-lint keeps from that page), whose dates are the ones below;
/// - AWS's own text: an earlier version of the page (its deprecated-runtimes table with the
///   two phases, 2022) and the runtime tables of the Lambda language guides (Node.js, Ruby,
///   Java pages, 2025–2026). Every date the two give for a runtime whose dates have passed
///   agrees with the table below, except where noted on the row; where an older AWS version
///   gave an earlier date, AWS has since moved it later (as for the Amazon Linux 2 runtimes,
///   which the page now says keep getting patches after that OS's end of life), and the later
///   date is the one CloudFormation meets.
///
/// Runtimes AWS lists only for container images (`dotnet5.0`, `dotnet7`, `dotnet9`) are not
/// here: no zip function can name them.
#[rustfmt::skip]
pub(crate) const RUNTIMES: &[Runtime] = &[
    // ---- Node.js ----
    // The 2022 page gave only the update block (Oct 31, 2016); an older AWS page, the
    // runtime support policy, gave Oct 31, 2016 for all three. Past either way.
    rt("nodejs",         NodeJs, (2016, 8, 30),  (2016, 9, 30),  (2016, 10, 31)),
    rt("nodejs4.3",      NodeJs, (2020, 3, 5),   (2020, 2, 3),   (2020, 3, 5)),
    rt("nodejs4.3-edge", NodeJs, (2020, 3, 5),   (2019, 3, 31),  (2019, 4, 30)),
    rt("nodejs6.10",     NodeJs, (2019, 8, 12),  (2019, 7, 12),  (2019, 8, 12)),
    rt("nodejs8.10",     NodeJs, (2020, 3, 6),   (2020, 2, 4),   (2020, 3, 6)),
    rt("nodejs10.x",     NodeJs, (2021, 7, 30),  (2021, 7, 30),  (2022, 2, 14)),
    rt("nodejs12.x",     NodeJs, (2023, 3, 31),  (2023, 3, 31),  (2023, 4, 30)),
    rt("nodejs14.x",     NodeJs, (2023, 12, 4),  (2024, 1, 9),   (2027, 3, 3)),
    rt("nodejs16.x",     NodeJs, (2024, 6, 12),  (2027, 2, 1),   (2027, 3, 3)),
    rt("nodejs18.x",     NodeJs, (2025, 9, 1),   (2027, 2, 1),   (2027, 3, 3)),
    // Earlier AWS versions: blocks on Jun 1 / Jul 1, 2026, then Aug 31 / Sep 30, 2026.
    rt("nodejs20.x",     NodeJs, (2026, 4, 30),  (2027, 2, 1),   (2027, 3, 3)),
    rt("nodejs22.x",     NodeJs, (2027, 4, 30),  (2027, 6, 1),   (2027, 7, 1)),
    rt("nodejs24.x",     NodeJs, (2028, 4, 30),  (2028, 6, 1),   (2028, 7, 1)),
    // ---- Python ----
    rt("python2.7",      Python, (2021, 7, 15),  (2021, 7, 15),  (2022, 5, 30)),
    rt("python3.6",      Python, (2022, 7, 18),  (2022, 7, 18),  (2022, 8, 29)),
    // An earlier AWS version: update blocked from Feb 28, 2025 (since extended).
    rt("python3.7",      Python, (2023, 12, 4),  (2024, 1, 9),   (2027, 3, 3)),
    // An earlier AWS version: blocks on Feb 28 / Mar 31, 2025 (since extended).
    rt("python3.8",      Python, (2024, 10, 14), (2027, 2, 1),   (2027, 3, 3)),
    rt("python3.9",      Python, (2025, 12, 15), (2027, 2, 1),   (2027, 3, 3)),
    rt("python3.10",     Python, (2026, 10, 31), (2027, 2, 1),   (2027, 3, 3)),
    rt("python3.11",     Python, (2027, 6, 30),  (2027, 7, 31),  (2027, 8, 31)),
    rt("python3.12",     Python, (2028, 10, 31), (2028, 11, 30), (2029, 1, 10)),
    rt("python3.13",     Python, (2029, 6, 30),  (2029, 7, 31),  (2029, 8, 31)),
    rt("python3.14",     Python, (2029, 6, 30),  (2029, 7, 31),  (2029, 8, 31)),
    // ---- Java ----
    rt("java8",          Java,   (2024, 1, 8),   (2024, 2, 8),   (2027, 3, 3)),
    // java8.al2, java11, java17: an earlier AWS version gave Jun 30 / Jul 31 / Aug 31, 2026,
    // a year earlier (Amazon Linux 2's end of life); AWS has since extended them.
    rt("java8.al2",      Java,   (2027, 6, 30),  (2027, 7, 31),  (2027, 8, 31)),
    rt("java11",         Java,   (2027, 6, 30),  (2027, 7, 31),  (2027, 8, 31)),
    rt("java17",         Java,   (2027, 6, 30),  (2027, 7, 31),  (2027, 8, 31)),
    rt("java21",         Java,   (2029, 6, 30),  (2029, 7, 31),  (2029, 8, 31)),
    rt("java25",         Java,   (2029, 6, 30),  (2029, 7, 31),  (2029, 8, 31)),
    // ---- .NET ----
    rt("dotnetcore1.0",  DotNet, (2019, 6, 27),  (2019, 6, 30),  (2019, 7, 30)),
    rt("dotnetcore2.0",  DotNet, (2019, 5, 30),  (2019, 4, 30),  (2019, 5, 30)),
    rt("dotnetcore2.1",  DotNet, (2022, 1, 5),   (2022, 1, 5),   (2022, 4, 13)),
    // The 2022 page gave Mar 31, 2023 as the deprecation date; AWS later moved it to Apr 3.
    rt("dotnetcore3.1",  DotNet, (2023, 4, 3),   (2023, 4, 3),   (2023, 5, 3)),
    rt("dotnet6",        DotNet, (2024, 12, 20), (2027, 2, 1),   (2027, 3, 3)),
    rt("dotnet8",        DotNet, (2026, 11, 10), (2027, 2, 1),   (2027, 3, 3)),
    rt("dotnet10",       DotNet, (2028, 11, 14), (2028, 12, 14), (2029, 1, 15)),
    // ---- Ruby ----
    rt("ruby2.5",        Ruby,   (2021, 7, 30),  (2021, 7, 30),  (2022, 3, 31)),
    rt("ruby2.7",        Ruby,   (2023, 12, 7),  (2024, 1, 9),   (2027, 3, 3)),
    // An earlier AWS version: blocks on Jun 1 / Jul 1, 2026 (since extended).
    rt("ruby3.2",        Ruby,   (2026, 3, 31),  (2027, 2, 1),   (2027, 3, 3)),
    rt("ruby3.3",        Ruby,   (2027, 3, 31),  (2027, 4, 30),  (2027, 5, 31)),
    rt("ruby3.4",        Ruby,   (2028, 3, 31),  (2028, 4, 30),  (2028, 5, 31)),
    rt("ruby4.0",        Ruby,   (2029, 3, 31),  (2029, 4, 30),  (2029, 5, 31)),
    // ---- OS-only (and Go, which runs on them) ----
    rt("go1.x",          OsOnly, (2024, 1, 8),   (2024, 2, 8),   (2027, 3, 3)),
    rt("provided",       OsOnly, (2024, 1, 8),   (2024, 2, 8),   (2027, 3, 3)),
    rt("provided.al2",   OsOnly, (2026, 7, 31),  (2027, 2, 1),   (2027, 3, 3)),
    rt("provided.al2023", OsOnly, (2029, 6, 30), (2029, 7, 31),  (2029, 8, 31)),
];

/// The lifecycle of runtime `id`, if the table has it.
pub(crate) fn lookup(id: &str) -> Option<&'static Runtime> {
    RUNTIMES.iter().find(|r| r.id == id)
}

/// What is wrong with a runtime on a given day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Finding {
    /// [`rules::LAMBDA_RUNTIME_CREATE_BLOCKED`] or [`rules::LAMBDA_RUNTIME_DEPRECATED`].
    pub rule: rules::Rule,
    /// What happens, with the dates.
    pub message: String,
    /// The fix: the newest runtime of the family.
    pub hint: String,
}

/// The finding for runtime `id` on day `today`: `None` for a runtime the table does not have
/// or that is not yet deprecated.
pub(crate) fn check_runtime(id: &str, today: Date) -> Option<Finding> {
    let r = lookup(id)?;
    let (create, update) = (r.block_create, r.block_update);
    let update_text = if today >= update {
        format!("updates of existing functions since {update}")
    } else {
        format!("updates of existing functions from {update}")
    };
    let (rule, message) = if today >= create {
        (
            rules::LAMBDA_RUNTIME_CREATE_BLOCKED,
            format!(
                "Lambda runtime `{}` is deprecated (since {}): AWS Lambda blocks creating functions on it since {create}, so a new stack or a replaced function fails; it blocks {update_text}",
                r.id, r.deprecated
            ),
        )
    } else if today >= r.deprecated || today >= update {
        let state = if today >= r.deprecated {
            format!(
                "is deprecated since {} (no more security patches or technical support)",
                r.deprecated
            )
        } else {
            format!("is not deprecated until {}", r.deprecated)
        };
        (
            rules::LAMBDA_RUNTIME_DEPRECATED,
            format!(
                "Lambda runtime `{}` {state}: AWS Lambda blocks creating functions on it from {create}, and {update_text}",
                r.id
            ),
        )
    } else {
        return None;
    };
    let newest = r.family.newest();
    let hint = match lookup(newest) {
        Some(n) if today < n.deprecated => format!(
            "move to `{newest}`, the newest {} runtime (supported until {}); test the code on it first",
            r.family.language(),
            n.deprecated
        ),
        _ => format!(
            "move to a supported {} runtime: see https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html",
            r.family.language()
        ),
    };
    Some(Finding {
        rule,
        message,
        hint,
    })
}

/// `FF2016`, `FF2017`: the runtimes of the template's Lambda functions, on day `today`.
pub(super) fn check(cx: &mut Cx, today: Date) {
    let mut found: Vec<(Option<String>, String, Finding)> = Vec::new();
    for ty in ["AWS::Lambda::Function", "AWS::Serverless::Function"] {
        for (id, _, props) in cx.resources_of(ty) {
            if let Some(v) = props.and_then(|p| p.field("Runtime"))
                && let Some(f) = finding(cx, v, today)
            {
                found.push((Some(id.to_owned()), format!("{id}.Properties.Runtime"), f));
            }
        }
    }
    // SAM: the runtime every AWS::Serverless::Function without its own gets.
    if let Some(v) = cx
        .body
        .field("Globals")
        .and_then(|g| g.field("Function"))
        .and_then(|f| f.field("Runtime"))
        && let Some(f) = finding(cx, v, today)
    {
        found.push((None, "Globals.Function.Runtime".to_owned(), f));
    }
    for (id, path, f) in found {
        cx.report(f.rule, id.as_deref(), path, f.message, Some(f.hint));
    }
    zip_package(cx);
}

/// A function deployed from a .zip archive (`PackageType` absent or `Zip`) needs `Runtime`,
/// and `Handler` with a language runtime; only a container image brings its own ("Runtime:
/// required if the deployment package is a .zip file archive", and the same for Handler).
/// <https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html>
fn zip_package(cx: &mut Cx) {
    let mut missing = Vec::new();
    for (id, _, props) in cx.resources_of("AWS::Lambda::Function") {
        let Some(p) = props else { continue };
        // `Fn::If` or a parameter may choose an image: only a literal `Zip` (or nothing)
        // is known to be a .zip.
        let zip = match p.field("PackageType") {
            None => true,
            Some(Json::String(t)) => t == "Zip",
            Some(_) => false,
        };
        if !zip
            || p.field("Code")
                .is_some_and(|c| c.field("ImageUri").is_some())
        {
            continue;
        }
        if !p.contains_key("Runtime") {
            missing.push((id.to_owned(), "Runtime"));
        }
        // An OS-only runtime (`provided.*`) runs the archive's `bootstrap`, which needs no
        // handler; a handler is checked only for a runtime written out.
        let language_runtime = p
            .field("Runtime")
            .and_then(Json::as_str)
            .is_some_and(|r| !r.starts_with("provided"));
        if language_runtime && !p.contains_key("Handler") {
            missing.push((id.to_owned(), "Handler"));
        }
    }
    for (id, key) in missing {
        cx.report(
            rules::REQUIRED_PROPERTY,
            Some(&id),
            format!("{id}.Properties"),
            format!("{key} is required for a function deployed from a .zip archive"),
            Some(format!("add {key} (e.g. `Runtime: python3.13`, `Handler: app.handler`), or set `PackageType: Image` with `Code.ImageUri`")),
        );
    }
}

/// The finding for a `Runtime` value: a literal, or a `Ref` to a parameter whose `Default`
/// is one.
fn finding(cx: &Cx, v: &Json, today: Date) -> Option<Finding> {
    if let Some(s) = lit_str(Some(v)) {
        return check_runtime(s, today);
    }
    let name = ref_target(Some(v))?;
    let default = lit_str(cx.parameters?.field(name)?.field("Default"))?;
    let mut f = check_runtime(default, today)?;
    f.message = format!(
        "parameter `{name}` defaults to a runtime AWS retires: {}",
        f.message
    );
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::template::Template;
    use crate::validate::validate_as_of;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn days_from_civil_counts_from_1970() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(1970, 1, 2), 1);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        // 2026-12-04: 56 years of 365 days, 14 leap days (1972..=2024), and 337 days into
        // 2026 (Jan 31 + Feb 28 + Mar 31 + Apr 30 + May 31 + Jun 30 + Jul 31 + Aug 31 +
        // Sep 30 + Oct 31 + Nov 30 = 334, then 3).
        assert_eq!(days_from_civil(2026, 12, 4), 56 * 365 + 14 + 337);
        // 1,000,000,000 s after the epoch is 2001-09-09 (01:46:40 UTC).
        assert_eq!(days_from_civil(2001, 9, 9), 1_000_000_000 / 86_400);
        // Leap years: 2000 is one, 1900 and 2100 are not.
        assert_eq!(
            days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28),
            2
        );
        assert_eq!(
            days_from_civil(1900, 3, 1) - days_from_civil(1900, 2, 28),
            1
        );
        assert_eq!(
            days_from_civil(2100, 3, 1) - days_from_civil(2100, 2, 28),
            1
        );
    }

    #[test]
    fn civil_from_days_inverts_it_day_by_day() {
        // Every day from 1899 to 2101 in turn: the dates follow each other one day apart.
        let mut prev = Date::new(1899, 12, 31).unwrap();
        for n in days_from_civil(1900, 1, 1)..=days_from_civil(2101, 1, 1) {
            let date = Date::from_days(n);
            assert_eq!(date.days_since_epoch(), n);
            assert!(date > prev, "{date} after {prev}");
            assert_eq!(Date::new(date.year(), date.month(), date.day()), Some(date));
            prev = date;
        }
        assert_eq!(Date::from_days(0), d("1970-01-01"));
        assert_eq!(Date::from_days(-719_468), d("0000-03-01"));
    }

    #[test]
    fn dates_parse_print_and_refuse_what_is_not_one() {
        assert_eq!(d("2024-02-29").to_string(), "2024-02-29");
        // Leap years: every fourth, but not every hundredth, but every four hundredth.
        assert_eq!(d("2000-02-29").to_string(), "2000-02-29");
        assert_eq!(d("2023-05-31").to_string(), "2023-05-31");
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2023-04-31",
            "2023-06-31",
            "2023-09-31",
            "2023-11-31",
            "2023-13-01",
            "2023-00-10",
            "2023-3-31",
            "20230331",
            "x",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
    }

    #[test]
    fn today_is_the_pacific_date() {
        // 2026-12-04T00:00:00Z is 1,796,342,400 s after the epoch (20,791 days).
        let midnight_utc = 20_791 * 86_400;
        assert_eq!(Date::from_days(20_791), d("2026-12-04"));
        // Still 2026-12-03 in the Pacific time zone until 08:00 UTC.
        assert_eq!(Date::pacific(midnight_utc), d("2026-12-03"));
        assert_eq!(Date::pacific(midnight_utc + 8 * 3600 - 1), d("2026-12-03"));
        assert_eq!(Date::pacific(midnight_utc + 8 * 3600), d("2026-12-04"));
        assert_eq!(Date::pacific(0), d("1969-12-31"));
    }

    #[test]
    fn the_table_is_well_formed() {
        let mut ids = std::collections::BTreeSet::new();
        for r in RUNTIMES {
            assert!(ids.insert(r.id), "{} twice", r.id);
            // Updates are never blocked before creation: each row is in order.
            assert!(r.block_create <= r.block_update, "{}", r.id);
            // Each family's newest runtime is in the table.
            assert!(lookup(r.family.newest()).is_some(), "{}", r.id);
        }
    }

    #[test]
    fn facts_of_the_aws_page() {
        let r = lookup("nodejs12.x").unwrap();
        assert_eq!(
            (r.deprecated, r.block_create, r.block_update),
            (d("2023-03-31"), d("2023-03-31"), d("2023-04-30"))
        );
        let r = lookup("python3.6").unwrap();
        assert_eq!(
            (r.block_create, r.block_update),
            (d("2022-07-18"), d("2022-08-29"))
        );
        let r = lookup("nodejs14.x").unwrap();
        assert_eq!(
            (r.deprecated, r.block_create),
            (d("2023-12-04"), d("2024-01-09"))
        );
        assert_eq!(lookup("nodejs10.x").unwrap().block_update, d("2022-02-14"));
        assert_eq!(lookup("nodejs24.x").unwrap().deprecated, d("2028-04-30"));
        assert_eq!(lookup("java21").unwrap().block_create, d("2029-07-31"));
        assert_eq!(lookup("ruby3.3").unwrap().block_update, d("2027-05-31"));
        assert_eq!(lookup("dotnet9"), None, "container images only");
        assert_eq!(lookup("Nodejs12.x"), None, "runtime ids are case-sensitive");
    }

    #[test]
    fn create_blocked_is_ff2016_from_the_day_it_starts() {
        // nodejs12.x: deprecated and create blocked on 2023-03-31, update on 2023-04-30.
        assert_eq!(check_runtime("nodejs12.x", d("2023-03-30")), None);
        let f = check_runtime("nodejs12.x", d("2023-03-31")).unwrap();
        assert_eq!(f.rule, rules::LAMBDA_RUNTIME_CREATE_BLOCKED);
        assert!(
            f.message.contains("since 2023-03-31")
                && f.message
                    .contains("updates of existing functions from 2023-04-30"),
            "{}",
            f.message
        );
        let f = check_runtime("nodejs12.x", d("2026-12-04")).unwrap();
        assert!(
            f.message
                .contains("updates of existing functions since 2023-04-30"),
            "{}",
            f.message
        );
        assert_eq!(
            f.hint,
            "move to `nodejs24.x`, the newest Node.js runtime (supported until 2028-04-30); test the code on it first"
        );
        // Create blocked while updates are not yet (python3.7: create 2024-01-09, update
        // 2027-03-03): still an error, a new stack fails.
        let f = check_runtime("python3.7", d("2026-12-04")).unwrap();
        assert_eq!(f.rule, rules::LAMBDA_RUNTIME_CREATE_BLOCKED);
        assert!(f.hint.contains("`python3.14`"), "{}", f.hint);
        assert!(
            check_runtime("go1.x", d("2026-12-04"))
                .unwrap()
                .hint
                .contains("`provided.al2023`")
        );
    }

    #[test]
    fn the_newest_runtime_is_advised_until_its_own_deprecation() {
        // nodejs24.x, the newest Node.js runtime, is deprecated on 2028-04-30: from that
        // day the hint names no runtime, only where the supported ones are listed.
        assert_eq!(
            check_runtime("nodejs12.x", d("2028-04-29")).unwrap().hint,
            "move to `nodejs24.x`, the newest Node.js runtime (supported until 2028-04-30); test the code on it first"
        );
        assert_eq!(
            check_runtime("nodejs12.x", d("2028-04-30")).unwrap().hint,
            "move to a supported Node.js runtime: see https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html"
        );
    }

    #[test]
    fn deprecated_but_creatable_is_ff2017() {
        // nodejs20.x: deprecated 2026-04-30, create blocked 2027-02-01, update 2027-03-03.
        assert_eq!(check_runtime("nodejs20.x", d("2026-04-29")), None);
        let f = check_runtime("nodejs20.x", d("2026-04-30")).unwrap();
        assert_eq!(f.rule, rules::LAMBDA_RUNTIME_DEPRECATED);
        assert_eq!(
            f.message,
            "Lambda runtime `nodejs20.x` is deprecated since 2026-04-30 (no more security patches or technical support): AWS Lambda blocks creating functions on it from 2027-02-01, and updates of existing functions from 2027-03-03"
        );
        assert_eq!(
            check_runtime("nodejs20.x", d("2027-01-31")).unwrap().rule,
            rules::LAMBDA_RUNTIME_DEPRECATED
        );
        assert_eq!(
            check_runtime("nodejs20.x", d("2027-02-01")).unwrap().rule,
            rules::LAMBDA_RUNTIME_CREATE_BLOCKED
        );
        // Supported runtimes and unknown ones: nothing.
        assert_eq!(check_runtime("python3.12", d("2026-12-04")), None);
        assert_eq!(check_runtime("nodejs99.x", d("2026-12-04")), None);
    }

    #[test]
    fn no_newer_runtime_left_sends_to_the_page() {
        // On 2029-07-01 python3.14, the newest Python runtime, is itself deprecated.
        let f = check_runtime("python3.9", d("2029-07-01")).unwrap();
        assert!(f.hint.contains("lambda-runtimes.html"), "{}", f.hint);
        assert!(!f.hint.contains("python3.14"), "{}", f.hint);
    }

    /// Every finding on the YAML template `yaml`, as of `today`.
    fn findings(yaml: &str, today: &str) -> Vec<crate::model::diag::Diagnostic> {
        let t = Template::parse("t.yaml", yaml).unwrap();
        validate_as_of(&t, d(today)).diagnostics
    }

    fn diags(yaml: &str, today: &str) -> Vec<(String, Option<String>, String)> {
        findings(yaml, today)
            .into_iter()
            .filter(|x| x.rule.starts_with("FF201"))
            .map(|x| (x.rule.to_owned(), x.logical_id, x.path))
            .collect()
    }

    /// `Runtime` is required of a literal `Zip` package and of a function without
    /// `PackageType`, not of an image, nor of a function whose code is an image.
    #[test]
    fn a_zip_package_needs_a_runtime() {
        let yaml = "\
Resources:
  Z: {Type: AWS::Lambda::Function, Properties: {PackageType: Zip, Role: r, Code: {ZipFile: x}}}
  I: {Type: AWS::Lambda::Function, Properties: {PackageType: Image, Role: r, Code: {S3Bucket: b, S3Key: k}}}
  U: {Type: AWS::Lambda::Function, Properties: {Role: r, Code: {ImageUri: u}}}
  N: {Type: AWS::Lambda::Function, Properties: {Role: r, Code: {ZipFile: x}}}
";
        let found: Vec<(Option<String>, String)> = findings(yaml, "2026-12-04")
            .into_iter()
            .filter(|x| x.rule == rules::REQUIRED_PROPERTY.id && x.message.contains(".zip"))
            .map(|x| (x.logical_id, x.message))
            .collect();
        let runtime = "Runtime is required for a function deployed from a .zip archive";
        assert_eq!(
            found,
            [
                (Some("Z".to_owned()), runtime.to_owned()),
                (Some("N".to_owned()), runtime.to_owned())
            ]
        );
    }

    #[test]
    fn functions_sam_functions_globals_and_parameter_defaults() {
        let yaml = "\
Transform: AWS::Serverless-2016-10-31
Parameters:
  Old: {Type: String, Default: python3.6}
  Fine: {Type: String, Default: python3.12}
  Free: {Type: String}
Globals:
  Function:
    Runtime: nodejs18.x
Resources:
  A: {Type: AWS::Lambda::Function, Properties: {Runtime: nodejs12.x}}
  B: {Type: AWS::Serverless::Function, Properties: {Runtime: {Ref: Old}}}
  C: {Type: AWS::Lambda::Function, Properties: {Runtime: {Ref: Fine}}}
  D: {Type: AWS::Lambda::Function, Properties: {Runtime: {Ref: Free}}}
  E: {Type: AWS::Lambda::Function, Properties: {Runtime: {'Fn::If': [X, nodejs12.x, nodejs22.x]}}}
  F: {Type: AWS::Lambda::LayerVersion, Properties: {Runtime: nodejs12.x}}
";
        let s = |x: &str| x.to_owned();
        assert_eq!(
            diags(yaml, "2026-12-04"),
            vec![
                (s("FF2016"), Some(s("A")), s("A.Properties.Runtime")),
                (s("FF2016"), Some(s("B")), s("B.Properties.Runtime")),
                (s("FF2017"), None, s("Globals.Function.Runtime")),
            ]
        );
        // Before any of them was deprecated: nothing.
        assert_eq!(diags(yaml, "2021-01-01"), vec![]);
        let t = Template::parse("t.yaml", yaml).unwrap();
        let b = validate_as_of(&t, d("2026-12-04"))
            .diagnostics
            .into_iter()
            .find(|x| x.logical_id.as_deref() == Some("B"))
            .unwrap();
        assert!(
            b.message.starts_with("parameter `Old` defaults to"),
            "{}",
            b.message
        );
    }
}
