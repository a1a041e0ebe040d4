//! The definitions of a template's sections other than resources: a [`Parameter`], a
//! [`Mapping`] and an [`Output`], as [`Stack::parameter`](super::Stack::parameter),
//! [`Stack::mapping`](super::Stack::mapping) and [`Stack::output`](super::Stack::output) take
//! or return them.

use std::fmt;

use indexmap::IndexMap;

use crate::model::handle::CondRef;
use crate::model::render::{Json, JsonMap, Render, RenderCx};
use crate::model::value::{List, Value};

/// A template parameter's definition. The constructor fixes the type of its `Ref`:
/// [`Parameter::string`] gives a [`Param<String>`](crate::Param), [`Parameter::aws_list`] a
/// list, and so on.
///
/// ```
/// use ferroform::{Stack, Parameter};
/// let mut stack = Stack::new("App");
/// let image = stack.parameter(
///     "ImageTag",
///     Parameter::string().description("Tag to deploy").allowed_pattern("^[a-z0-9.-]+$"),
/// );
/// let ami = stack.parameter(
///     "Ami",
///     Parameter::ssm_value("AWS::EC2::Image::Id")
///         .default("/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"),
/// );
/// # let _ = (image, ami);
/// ```
#[derive(Debug)]
pub struct Parameter<T> {
    pub(super) ty: String,
    pub(super) fields: JsonMap,
    _t: std::marker::PhantomData<fn() -> T>,
}

impl<T> Parameter<T> {
    fn of(ty: impl Into<String>) -> Self {
        Parameter {
            ty: ty.into(),
            fields: JsonMap::new(),
            _t: std::marker::PhantomData,
        }
    }
    fn set(mut self, key: &str, value: Json) -> Self {
        self.fields.insert(key.to_owned(), value);
        self
    }
    /// `Description`.
    pub fn description(self, text: impl Into<String>) -> Self {
        self.set("Description", Json::String(text.into()))
    }
    /// `Default` value (numbers and lists are given as CloudFormation takes them: `"3"`,
    /// `"subnet-1,subnet-2"`; numbers also as numbers).
    pub fn default(self, value: impl Into<Json>) -> Self {
        self.set("Default", value.into())
    }
    /// `AllowedValues`.
    pub fn allowed_values<V: Into<Json>>(self, values: impl IntoIterator<Item = V>) -> Self {
        let list = values.into_iter().map(Into::into).collect();
        self.set("AllowedValues", Json::Array(list))
    }
    /// `AllowedPattern` (string parameters).
    pub fn allowed_pattern(self, pattern: impl Into<String>) -> Self {
        self.set("AllowedPattern", Json::String(pattern.into()))
    }
    /// `ConstraintDescription`: shown when a constraint is not met.
    pub fn constraint_description(self, text: impl Into<String>) -> Self {
        self.set("ConstraintDescription", Json::String(text.into()))
    }
    /// `MinLength` (string parameters).
    pub fn min_length(self, n: u32) -> Self {
        self.set("MinLength", Json::from(n))
    }
    /// `MaxLength` (string parameters).
    pub fn max_length(self, n: u32) -> Self {
        self.set("MaxLength", Json::from(n))
    }
    /// `MinValue` (number parameters).
    pub fn min_value(self, n: f64) -> Self {
        self.set("MinValue", num(n))
    }
    /// `MaxValue` (number parameters).
    pub fn max_value(self, n: f64) -> Self {
        self.set("MaxValue", num(n))
    }
    /// Any other parameter property, as CloudFormation writes it (`ferroform import` uses
    /// it for values the typed setters would write differently, such as `MinValue: "1"`).
    pub fn field(self, key: &str, value: impl Into<Json>) -> Self {
        self.set(key, value.into())
    }
    /// `NoEcho`: the value is masked in the console, API and ferroform's output.
    pub fn no_echo(self) -> Self {
        self.set("NoEcho", Json::Bool(true))
    }
}

fn num(n: f64) -> Json {
    let mut cx = RenderCx::detached();
    n.render(&mut cx)
}

impl Parameter<String> {
    /// A `String` parameter.
    pub fn string() -> Self {
        Parameter::of("String")
    }
    /// An AWS-specific parameter type whose value is one ID or name, such as
    /// `AWS::EC2::VPC::Id`, `AWS::EC2::KeyPair::KeyName` or `AWS::SSM::Parameter::Name`.
    pub fn aws(type_name: impl Into<String>) -> Self {
        Parameter::of(type_name)
    }
    /// `AWS::SSM::Parameter::Value<T>`: the value of a Systems Manager parameter whose
    /// name is the parameter's value (T is `String`, or an AWS type such as `AWS::EC2::Image::Id`).
    pub fn ssm_value(value_type: &str) -> Self {
        Parameter::of(format!("AWS::SSM::Parameter::Value<{value_type}>"))
    }
}

impl Parameter<f64> {
    /// A `Number` parameter (`Ref` gives a number).
    pub fn number() -> Self {
        Parameter::of("Number")
    }
}

impl Parameter<i64> {
    /// A `Number` parameter used where CloudFormation expects an integer.
    pub fn integer() -> Self {
        Parameter::of("Number")
    }
}

impl Parameter<List<String>> {
    /// A `CommaDelimitedList` parameter.
    pub fn comma_delimited_list() -> Self {
        Parameter::of("CommaDelimitedList")
    }
    /// `List<Number>`.
    pub fn number_list() -> Self {
        Parameter::of("List<Number>")
    }
    /// A list of an AWS-specific type: `List<AWS::EC2::Subnet::Id>` from `aws_list("AWS::EC2::Subnet::Id")`.
    pub fn aws_list(type_name: &str) -> Self {
        Parameter::of(format!("List<{type_name}>"))
    }
    /// `AWS::SSM::Parameter::Value<List<T>>` (or `CommaDelimitedList` as T).
    pub fn ssm_value_list(value_type: &str) -> Self {
        if value_type == "CommaDelimitedList" {
            Parameter::of("AWS::SSM::Parameter::Value<CommaDelimitedList>")
        } else {
            Parameter::of(format!("AWS::SSM::Parameter::Value<List<{value_type}>>"))
        }
    }
}

/// A mapping: `top-level key → second-level key → value`, read with [`crate::fns::find_in_map`].
///
/// ```
/// use ferroform::Mapping;
/// let sizes = Mapping::new()
///     .entry("prod", "Cpu", "1024")
///     .entry("dev", "Cpu", "256");
/// # let _ = sizes;
/// ```
#[derive(Clone, Debug, Default)]
pub struct Mapping(pub(super) IndexMap<String, JsonMap>);

impl Mapping {
    /// An empty mapping.
    pub fn new() -> Self {
        Mapping::default()
    }
    /// Set `top[second] = value`.
    pub fn entry(
        mut self,
        top: impl Into<String>,
        second: impl Into<String>,
        value: impl Into<Json>,
    ) -> Self {
        self.0
            .entry(top.into())
            .or_default()
            .insert(second.into(), value.into());
        self
    }
}

/// A template output.
#[derive(Debug)]
pub struct Output {
    pub(super) value: Box<dyn OutputValue>,
    pub(super) description: Option<String>,
    pub(super) export_name: Option<Value<String>>,
    pub(super) condition: Option<CondRef>,
}

pub(super) trait OutputValue: Render + fmt::Debug {}
impl<T: Render + fmt::Debug> OutputValue for T {}

impl Output {
    /// `Description`.
    pub fn description(&mut self, text: impl Into<String>) -> &mut Self {
        self.description = Some(text.into());
        self
    }
    /// `Export.Name`: other stacks can read the value with `Fn::ImportValue`.
    pub fn export(&mut self, name: impl Into<Value<String>>) -> &mut Self {
        self.export_name = Some(name.into());
        self
    }
    /// Output only when the condition holds.
    pub fn condition(&mut self, condition: &CondRef) -> &mut Self {
        self.condition = Some(condition.clone());
        self
    }
    /// `Export.Name` under a name you choose, and a handle other stacks import it through
    /// ([`Export::import`]): for exports whose name is fixed by the stacks that already read
    /// them (cross-stack handles of a resource name their exports themselves). An app
    /// deploys the importing stacks after this one.
    ///
    /// ```
    /// use ferroform::{App, Stack};
    /// use ferroform::resources::logs;
    /// let mut platform = Stack::new("Platform");
    /// let logs = platform.add("Logs", logs::LogGroup::new());
    /// let name = platform
    ///     .output("LogsName", logs.to_ref())
    ///     .export_handle::<String>("platform-logs");
    /// let mut service = Stack::new("Service");
    /// service.output("Reads", name.import());
    /// let mut app = App::new();
    /// app.add(service).add(platform);
    /// assert_eq!(app.deploy_order().unwrap(), ["Platform", "Service"]);
    /// ```
    pub fn export_handle<T>(&mut self, name: &str) -> Export<T> {
        self.export_name = Some(Value::from(name));
        Export {
            name: name.into(),
            _t: std::marker::PhantomData,
        }
    }
}

/// A value a stack exports under a name of its own choosing ([`Output::export_handle`]).
pub struct Export<T> {
    name: std::rc::Rc<str>,
    _t: std::marker::PhantomData<fn() -> T>,
}

impl<T> Export<T> {
    /// The export name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// `{"Fn::ImportValue": "<name>"}`: the value, in another stack.
    pub fn import(&self) -> Value<T> {
        crate::model::expr::fns::import_value(&*self.name)
    }
}

impl<T> Clone for Export<T> {
    fn clone(&self) -> Self {
        Export {
            name: self.name.clone(),
            _t: std::marker::PhantomData,
        }
    }
}

impl<T> fmt::Debug for Export<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Export({})", self.name)
    }
}
