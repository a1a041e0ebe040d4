//! Intrinsic functions and pseudo parameters as typed expressions: [`fns`] and [`pseudo`]
//! take and give [`Value`]s, and build the expression tree ([`Expr`], [`Cond`]; defined in
//! the crate-private `model::intrinsic`, below `value`, and re-exported here).

use std::fmt;

use super::export::Shape;
use super::id::{CondRef, MappingRef};
use super::intrinsic::{Arg, Kind, Target};
pub use super::intrinsic::{Cond, Expr};
use super::render::Render;
use super::value::{List, Value};

/// The intrinsic functions, typed: each takes and returns [`Value`]s of the types
/// CloudFormation gives them.
///
/// ```
/// use ferroform::{fns, pseudo, Value, List};
/// let azs: Value<List<String>> = fns::get_azs("");
/// let first_az: Value<String> = fns::select(0, azs);
/// let bucket_arn = fns::sub("arn:${AWS::Partition}:s3:::my-bucket");
/// # let _ = (first_az, bucket_arn);
/// ```
pub mod fns {
    use super::*;

    fn ex<T>(kind: Kind) -> Value<T> {
        Value::from_expr(Expr::new(kind))
    }

    /// `Fn::Sub` with a single string: `${Name}` refers to parameters, resources
    /// (`${Res.Attr}` for attributes) and pseudo parameters; `${!Literal}` escapes.
    pub fn sub(template: impl Into<String>) -> Value<String> {
        ex(Kind::Sub(template.into(), Vec::new()))
    }

    /// `Fn::Sub` with a variable map: `${Var}` is replaced by the value given for `Var`.
    pub fn sub_with<K, V, I>(template: impl Into<String>, vars: I) -> Value<String>
    where
        K: Into<String>,
        V: Into<Value<String>>,
        I: IntoIterator<Item = (K, V)>,
    {
        let vars = vars
            .into_iter()
            .map(|(k, v)| (k.into(), Arg::new(v.into())))
            .collect();
        ex(Kind::Sub(template.into(), vars))
    }

    /// `Fn::Join`: the items joined with `delimiter`.
    pub fn join(
        delimiter: impl Into<String>,
        items: impl Into<Value<List<String>>>,
    ) -> Value<String> {
        ex(Kind::Join(delimiter.into(), Arg::new(items.into())))
    }

    /// `Fn::Select`: item `index` (from 0) of a list.
    pub fn select<T: Render + fmt::Debug + 'static>(
        index: impl Into<Value<i64>>,
        list: impl Into<Value<List<T>>>,
    ) -> Value<T> {
        ex(Kind::Select(Arg::new(index.into()), Arg::new(list.into())))
    }

    /// `Fn::Split`: a string split at every `delimiter`.
    pub fn split(
        delimiter: impl Into<String>,
        source: impl Into<Value<String>>,
    ) -> Value<List<String>> {
        ex(Kind::Split(delimiter.into(), Arg::new(source.into())))
    }

    /// `Fn::GetAZs`: the availability zones of a region (`""` is the stack's region).
    pub fn get_azs(region: impl Into<Value<String>>) -> Value<List<String>> {
        ex(Kind::GetAzs(Arg::new(region.into())))
    }

    /// `Fn::ImportValue`: a value exported by another stack.
    pub fn import_value<T>(export_name: impl Into<Value<String>>) -> Value<T> {
        ex(Kind::ImportValue(Arg::new(export_name.into())))
    }

    /// `Fn::FindInMap`: `mapping[top][second]`.
    pub fn find_in_map<T>(
        mapping: &MappingRef,
        top_level_key: impl Into<Value<String>>,
        second_level_key: impl Into<Value<String>>,
    ) -> Value<T> {
        ex(Kind::FindInMap(
            mapping.clone(),
            Arg::new(top_level_key.into()),
            Arg::new(second_level_key.into()),
            None,
        ))
    }

    /// `Fn::FindInMap` with a `DefaultValue` (adds the `AWS::LanguageExtensions` transform).
    pub fn find_in_map_or<T: Render + fmt::Debug + 'static>(
        mapping: &MappingRef,
        top_level_key: impl Into<Value<String>>,
        second_level_key: impl Into<Value<String>>,
        default: impl Into<Value<T>>,
    ) -> Value<T> {
        ex(Kind::FindInMap(
            mapping.clone(),
            Arg::new(top_level_key.into()),
            Arg::new(second_level_key.into()),
            Some(Arg::new(default.into())),
        ))
    }

    /// `Fn::Base64`: the string encoded in base64 (EC2 user data).
    pub fn base64(value: impl Into<Value<String>>) -> Value<String> {
        ex(Kind::Base64(Arg::new(value.into())))
    }

    /// `Fn::Cidr`: `count` CIDR blocks of `cidr_bits` host bits carved from `ip_block`.
    pub fn cidr(
        ip_block: impl Into<Value<String>>,
        count: impl Into<Value<i64>>,
        cidr_bits: impl Into<Value<i64>>,
    ) -> Value<List<String>> {
        ex(Kind::Cidr(
            Arg::new(ip_block.into()),
            Arg::new(count.into()),
            Arg::new(cidr_bits.into()),
        ))
    }

    /// `Fn::If`: `if_true` when the condition holds, `if_false` otherwise
    /// (use [`crate::pseudo::no_value`] to leave a property out).
    pub fn if_<T: Render + fmt::Debug + 'static>(
        condition: &CondRef,
        if_true: impl Into<Value<T>>,
        if_false: impl Into<Value<T>>,
    ) -> Value<T> {
        ex(Kind::If(
            condition.clone(),
            Arg::new(if_true.into()),
            Arg::new(if_false.into()),
        ))
    }

    /// `Fn::Equals`.
    pub fn equals<T: Render + fmt::Debug + 'static>(
        a: impl Into<Value<T>>,
        b: impl Into<Value<T>>,
    ) -> Cond {
        Cond(Expr::new(Kind::Equals(
            Arg::new(a.into()),
            Arg::new(b.into()),
        )))
    }

    /// `Fn::And` (2 to 10 conditions).
    pub fn and(conditions: impl IntoIterator<Item = Cond>) -> Cond {
        Cond(Expr::new(Kind::And(conditions.into_iter().collect())))
    }

    /// `Fn::Or` (2 to 10 conditions).
    pub fn or(conditions: impl IntoIterator<Item = Cond>) -> Cond {
        Cond(Expr::new(Kind::Or(conditions.into_iter().collect())))
    }

    /// `Fn::Not`.
    pub fn not(condition: Cond) -> Cond {
        Cond(Expr::new(Kind::Not(condition)))
    }

    /// `{"Condition": name}`: a named condition inside another condition.
    pub fn condition(condition: &CondRef) -> Cond {
        Cond(Expr::new(Kind::Condition(condition.clone())))
    }

    /// `Fn::Length`: the number of items of a list (adds the `AWS::LanguageExtensions` transform).
    pub fn length<T: Render + fmt::Debug + 'static>(list: impl Into<Value<List<T>>>) -> Value<i64> {
        ex(Kind::Length(Arg::new(list.into())))
    }

    /// `Fn::ToJsonString`: an object or list as a JSON string (adds the
    /// `AWS::LanguageExtensions` transform).
    pub fn to_json_string<T: Render + fmt::Debug + 'static>(
        value: impl Into<Value<T>>,
    ) -> Value<String> {
        ex(Kind::ToJsonString(Arg::new(value.into())))
    }
}

/// The pseudo parameters CloudFormation defines in every stack.
///
/// ```
/// use ferroform::{pseudo, fns, Value};
/// let name: Value<String> = fns::join("-", vec![pseudo::stack_name(), "web".into()]);
/// # let _ = name;
/// ```
pub mod pseudo {
    use super::*;

    /// Every CloudFormation pseudo parameter, by name: the one list (the validator reads
    /// `Ref`s against it; each has its function below).
    pub const ALL: &[&str] = &[
        "AWS::AccountId",
        "AWS::NotificationARNs",
        "AWS::NoValue",
        "AWS::Partition",
        "AWS::Region",
        "AWS::StackId",
        "AWS::StackName",
        "AWS::URLSuffix",
    ];

    fn p<T>(name: &'static str) -> Value<T> {
        Value::from_expr(Expr::reference(Target::Pseudo(name), Shape::Scalar))
    }

    /// `AWS::AccountId`.
    pub fn account_id() -> Value<String> {
        p("AWS::AccountId")
    }
    /// `AWS::NotificationARNs`.
    pub fn notification_arns() -> Value<List<String>> {
        p("AWS::NotificationARNs")
    }
    /// `AWS::NoValue`: removes the property it is given to (use inside [`fns::if_`]).
    pub fn no_value<T>() -> Value<T> {
        p("AWS::NoValue")
    }
    /// `AWS::Partition` (`aws`, `aws-cn`, `aws-us-gov`).
    pub fn partition() -> Value<String> {
        p("AWS::Partition")
    }
    /// `AWS::Region`.
    pub fn region() -> Value<String> {
        p("AWS::Region")
    }
    /// `AWS::StackId`.
    pub fn stack_id() -> Value<String> {
        p("AWS::StackId")
    }
    /// `AWS::StackName`.
    pub fn stack_name() -> Value<String> {
        p("AWS::StackName")
    }
    /// `AWS::URLSuffix` (`amazonaws.com`, or `amazonaws.com.cn` in China).
    pub fn url_suffix() -> Value<String> {
        p("AWS::URLSuffix")
    }
}
