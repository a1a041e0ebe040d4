//! Values: a template value as typed code of the type the API takes (literals, nested
//! structs, intrinsic functions, conditions), or `None` where it is written as plain JSON.

use super::*;

impl StackWriter<'_> {
    /// [`StackWriter::value`] at a place where `None` means plain JSON instead: the names a
    /// failed attempt read are not used.
    pub(super) fn try_value(
        &mut self,
        v: &Json,
        ty: &Ty,
        r: Option<&'static Resource>,
    ) -> Option<Code> {
        let before = self.uses.clone();
        let code = self.value(v, ty, r);
        if code.is_none() {
            self.uses = before;
        }
        code
    }

    /// `v` as a value of type `ty` (in resource module `r`), or `None` with `self.why` set.
    pub(super) fn value(
        &mut self,
        v: &Json,
        ty: &Ty,
        r: Option<&'static Resource>,
    ) -> Option<Code> {
        if *ty == Ty::Json {
            return Some(Code::lit(self.json(v, 8)));
        }
        if let Some((name, arg)) = intrinsic(v) {
            return self.call(name, arg, ty, r);
        }
        match (ty, v) {
            (Ty::Str, Json::String(s)) => Some(Code::lit(rust::string(s))),
            (Ty::Int, Json::Number(n)) if n.is_i64() => {
                let i = n.as_i64()?;
                Some(Code::lit(if i32::try_from(i).is_ok() {
                    i.to_string()
                } else {
                    format!("{i}_i64")
                }))
            }
            (Ty::Num, Json::Number(n)) => {
                let f = n.as_f64()?;
                let text = format!("{f:?}");
                // A number whose text as f64 is not the template's stays as written.
                if serde_json::Number::from_f64(f).map(|x| x.as_f64()) != Some(n.as_f64()) {
                    return self.not_typed(format!("the number {n} is not exactly a 64-bit float"));
                }
                Some(Code::lit(format!("{text}_f64")))
            }
            (Ty::Bool, Json::Bool(b)) => Some(Code::lit(b.to_string())),
            (Ty::Tag, Json::Object(m))
                if m.len() == 2 && m.contains_key("Key") && m.contains_key("Value") =>
            {
                let k = self.value(&m["Key"], &Ty::Str, r)?;
                let val = self.value(&m["Value"], &Ty::Str, r)?;
                Some(Code::lit(format!("Tag::new({}, {})", k.text, val.text)))
            }
            (Ty::List(inner), Json::Array(a)) => {
                if a.is_empty() {
                    return Some(Code::lit(format!(
                        "Vec::<Value<{}>>::new()",
                        ty_name(inner, r.map(|x| x as &Resource))
                    )));
                }
                let mut codes = Vec::with_capacity(a.len());
                for x in a {
                    codes.push(self.value(x, inner, r)?);
                }
                let (texts, _) = items(codes);
                Some(Code::lit(format!("vec![{}]", texts.join(", "))))
            }
            (Ty::Map(inner), Json::Object(m)) => {
                if m.is_empty() {
                    return Some(Code::lit(format!(
                        "Vec::<(String, Value<{}>)>::new()",
                        ty_name(inner, r.map(|x| x as &Resource))
                    )));
                }
                let mut codes = Vec::with_capacity(m.len());
                for x in m.values() {
                    codes.push(self.value(x, inner, r)?);
                }
                let (texts, _) = items(codes);
                let pairs: Vec<String> = m
                    .keys()
                    .zip(texts)
                    .map(|(k, t)| format!("({}, {t})", rust::string(k)))
                    .collect();
                Some(Code::lit(format!("vec![{}]", pairs.join(", "))))
            }
            (Ty::Named(i), v) => {
                let r = r?;
                match &r.types[*i] {
                    Type::Enum { values, .. } => {
                        let Json::String(s) = v else {
                            return self.not_typed(format!("{v} is not a string"));
                        };
                        let path = r.path(*i);
                        Some(Code::lit(match values.iter().find(|(_, x)| x == s) {
                            Some((variant, _)) => format!("{path}::{variant}"),
                            None => format!("{path}::from({})", rust::string(s)),
                        }))
                    }
                    Type::Struct { .. } => {
                        let Json::Object(m) = v else {
                            return self.not_typed(format!("{v} is not an object"));
                        };
                        self.strukt(m, *i, r, &mut Vec::new())
                    }
                    Type::Omitted => self.not_typed("the generated type leaves it out"),
                }
            }
            (ty, v) => self.not_typed(format!(
                "{} where the typed property takes {}",
                describe(v),
                describe_ty(ty)
            )),
        }
    }

    /// A struct of `r`'s module from an object. Keys without a field, or a value that is not
    /// typed, go in `rest` when it is the resource (`index` 0), else make the whole struct
    /// untyped.
    pub(super) fn strukt(
        &mut self,
        m: &Map<String, Json>,
        index: usize,
        r: &'static Resource,
        rest: &mut Vec<(String, String)>,
    ) -> Option<Code> {
        let Type::Struct {
            fields, required, ..
        } = &r.types[index]
        else {
            return None;
        };
        let path = r.path(index);
        let resource = index == 0;
        let mut req: Vec<(String, Code)> = Vec::new();
        for f in fields.iter().filter(|f| f.required) {
            let Some(v) = m.get(&f.cfn) else {
                return self.not_typed(format!("the required property `{}` is missing", f.cfn));
            };
            let code = self.value(v, &f.ty, Some(r))?;
            req.push((f.ident.clone(), code));
        }
        let mut text = match required {
            Some(name) => {
                let ns = if resource {
                    r.ns.clone()
                } else {
                    format!("{}::{}", r.ns, r.module)
                };
                let fs: Vec<String> = req
                    .into_iter()
                    .map(|(ident, c)| format!("{ident}: {}.into()", c.text))
                    .collect();
                format!("{path}::new({ns}::{name} {{ {} }})", fs.join(", "))
            }
            None => {
                let args: Vec<String> = req.into_iter().map(|(_, c)| c.text).collect();
                format!("{path}::new({})", args.join(", "))
            }
        };
        for (k, v) in m {
            let field = fields.iter().find(|f| &f.cfn == k);
            match field {
                Some(f) if f.required => {}
                Some(f) => {
                    self.why = None;
                    let attempt = if resource {
                        self.try_value(v, &f.ty, Some(r))
                    } else {
                        self.value(v, &f.ty, Some(r))
                    };
                    match attempt {
                        Some(c) => {
                            let _ = write!(text, ".{}({})", f.ident, c.text);
                        }
                        None if resource => {
                            let why = self.why.take().unwrap_or_default();
                            rest.push((k.clone(), why));
                        }
                        None => return None,
                    }
                }
                // Without a field, an attribute's name is a read-only property: AWS sets
                // it (the validator's FF2037).
                None if resource && r.attrs.iter().any(|(a, _, _)| a == k) => rest.push((
                    k.clone(),
                    "read-only: AWS sets it (read it with `Fn::GetAtt`), a template cannot"
                        .to_owned(),
                )),
                None if resource => rest.push((
                    k.clone(),
                    "a property the pinned schema does not have".to_owned(),
                )),
                None => {
                    return self.not_typed(format!(
                        "`{k}` is not a property of `{path}` in the pinned schema"
                    ));
                }
            }
        }
        Some(Code::lit(text))
    }

    /// `Ref` of `id` as a value of type `ty` (`t`, its Rust name): a pseudo parameter's
    /// function, a parameter's or resource's handle.
    pub(super) fn reference(&mut self, id: &str, ty: &Ty, t: &str) -> Option<Code> {
        if id == "AWS::NoValue" {
            return Some(Code::expr(format!("pseudo::no_value::<{t}>()")));
        }
        if let Some(p) = id.strip_prefix("AWS::") {
            let (f, pty) = match p {
                "NotificationARNs" => ("notification_arns", Ty::List(Box::new(Ty::Str))),
                "AccountId" => ("account_id", Ty::Str),
                "Partition" => ("partition", Ty::Str),
                "Region" => ("region", Ty::Str),
                "StackId" => ("stack_id", Ty::Str),
                "StackName" => ("stack_name", Ty::Str),
                "URLSuffix" => ("url_suffix", Ty::Str),
                _ => return self.not_typed(format!("`{id}` is no pseudo parameter")),
            };
            if pty != *ty {
                return self.not_typed(format!("`{id}` where {} is expected", describe_ty(ty)));
            }
            return Some(Code::expr(format!("pseudo::{f}()")));
        }
        match self.var(id) {
            Some((Decl::Param(pty), v)) => Some(Code::expr(if pty == *ty {
                format!("{v}.to_ref()")
            } else {
                format!("{v}.to_ref_as::<{t}>()")
            })),
            Some((Decl::Resource(_), v)) if *ty == Ty::Str => {
                Some(Code::expr(format!("{v}.to_ref()")))
            }
            _ => self.not_typed(format!(
                "`Ref` of `{id}` where {} is expected",
                describe_ty(ty)
            )),
        }
    }

    /// `Fn::GetAtt` as a value of type `ty`: the typed attribute method of the resource's
    /// handle where its type has one, `get_att` otherwise.
    pub(super) fn get_att(&mut self, arg: &Json, ty: &Ty, t: &str) -> Option<Code> {
        let (id, attr) = match arg {
            Json::Array(a) if a.len() == 2 => (a[0].as_str()?, a[1].as_str()?),
            Json::String(s) => s.split_once('.')?,
            _ => return self.not_typed("`Fn::GetAtt` with a computed attribute name"),
        };
        match self.var(id) {
            Some((Decl::Resource(api), v)) => {
                if let Some((_, method, _)) =
                    api.and_then(|a| a.attrs.iter().find(|(n, _, aty)| n == attr && aty == ty))
                {
                    return Some(Code::expr(format!("{v}.{method}()")));
                }
                Some(Code::expr(format!(
                    "{v}.get_att::<{t}>({})",
                    rust::string(attr)
                )))
            }
            _ => self.not_typed(format!(
                "`Fn::GetAtt` of `{id}`, which is not a resource of the template"
            )),
        }
    }

    /// `Fn::Sub` with a variable map, as `fns::sub_with`.
    pub(super) fn sub_with(&mut self, a: &[Json], r: Option<&'static Resource>) -> Option<Code> {
        let (Some(s), Some(vars)) = (a[0].as_str(), a[1].as_object()) else {
            return self.not_typed("an `Fn::Sub` whose string is computed");
        };
        if vars.is_empty() {
            return self.not_typed("an `Fn::Sub` with an empty variable map");
        }
        let mut codes = Vec::new();
        for v in vars.values() {
            codes.push(self.value(v, &Ty::Str, r)?);
        }
        let (texts, _) = items(codes);
        let pairs: Vec<String> = vars
            .keys()
            .zip(texts)
            .map(|(k, t)| format!("({}, {t})", rust::string(k)))
            .collect();
        Some(Code::expr(format!(
            "fns::sub_with({}, [{}])",
            rust::string(s),
            pairs.join(", ")
        )))
    }

    /// `Fn::ImportValue` of an export another imported stack gives: read through that
    /// stack's handle.
    pub(super) fn imported(&mut self, name: &str, ty: &Ty, t: &str) -> Option<Code> {
        let i = self.imports[name].clone();
        let h = format!("{}.{}", i.producer, i.field);
        let code = match (&i.decl, &i.attr) {
            (Decl::Export, _) if *ty == Ty::Str => format!("{h}.import()"),
            (Decl::Param(pty), None) if pty == ty => format!("{h}.to_ref()"),
            (Decl::Param(_), None) => format!("{h}.to_ref_as::<{t}>()"),
            (Decl::Resource(_), None) if *ty == Ty::Str => format!("{h}.to_ref()"),
            (Decl::Resource(api), Some(a)) => {
                match api.and_then(|x| x.attrs.iter().find(|(n, _, aty)| n == a && aty == ty)) {
                    Some((_, method, _)) => format!("{h}.{method}()"),
                    None => format!("{h}.get_att::<{t}>({})", rust::string(a)),
                }
            }
            _ => {
                return self.not_typed(format!(
                    "the import of `{name}` where {} is expected",
                    describe_ty(ty)
                ));
            }
        };
        self.used_imports.insert((i.producer, i.field));
        Some(Code::expr(code))
    }

    /// An intrinsic function call as a value of type `ty`.
    pub(super) fn call(
        &mut self,
        name: &str,
        arg: &Json,
        ty: &Ty,
        r: Option<&'static Resource>,
    ) -> Option<Code> {
        let rr = r.map(|x| x as &Resource);
        let t = ty_name(ty, rr);
        let list_str = Ty::List(Box::new(Ty::Str));
        match (name, arg) {
            ("Ref", Json::String(id)) => self.reference(id, ty, &t),
            ("Fn::GetAtt", _) => self.get_att(arg, ty, &t),
            ("Fn::Sub", Json::String(s)) if *ty == Ty::Str => {
                Some(Code::expr(format!("fns::sub({})", rust::string(s))))
            }
            ("Fn::Sub", Json::Array(a)) if *ty == Ty::Str && a.len() == 2 => self.sub_with(a, r),
            ("Fn::Join", Json::Array(a)) if *ty == Ty::Str && a.len() == 2 => {
                let Some(d) = a[0].as_str() else {
                    return self.not_typed("an `Fn::Join` with a computed delimiter");
                };
                let list = self.value(&a[1], &list_str, r)?;
                Some(Code::expr(format!(
                    "fns::join({}, {})",
                    rust::string(d),
                    list.text
                )))
            }
            ("Fn::Select", Json::Array(a)) if a.len() == 2 => {
                let i = self.value(&a[0], &Ty::Int, r)?;
                let list = self.value(&a[1], &Ty::List(Box::new(ty.clone())), r)?;
                Some(Code::expr(format!(
                    "fns::select::<{t}>({}, {})",
                    i.text, list.text
                )))
            }
            ("Fn::Split", Json::Array(a)) if *ty == list_str && a.len() == 2 => {
                let Some(d) = a[0].as_str() else {
                    return self.not_typed("an `Fn::Split` with a computed delimiter");
                };
                let s = self.value(&a[1], &Ty::Str, r)?;
                Some(Code::expr(format!(
                    "fns::split({}, {})",
                    rust::string(d),
                    s.text
                )))
            }
            ("Fn::GetAZs", v) if *ty == list_str => {
                let region = self.value(v, &Ty::Str, r)?;
                Some(Code::expr(format!("fns::get_azs({})", region.text)))
            }
            ("Fn::ImportValue", Json::String(name)) if self.imports.contains_key(name) => {
                self.imported(name, ty, &t)
            }
            ("Fn::ImportValue", v) => {
                let n = self.value(v, &Ty::Str, r)?;
                Some(Code::expr(format!("fns::import_value::<{t}>({})", n.text)))
            }
            ("Fn::FindInMap", Json::Array(a)) if a.len() == 3 => {
                let Some(m) = a[0].as_str() else {
                    return self.not_typed("an `Fn::FindInMap` with a computed mapping name");
                };
                let Some((Decl::Mapping, mv)) = self.var_in(Space::Mapping, m) else {
                    return self.not_typed(format!(
                        "`Fn::FindInMap` of `{m}`, which is not a mapping of the template"
                    ));
                };
                let k1 = self.value(&a[1], &Ty::Str, r)?;
                let k2 = self.value(&a[2], &Ty::Str, r)?;
                Some(Code::expr(format!(
                    "fns::find_in_map::<{t}>(&{mv}, {}, {})",
                    k1.text, k2.text
                )))
            }
            ("Fn::Base64", v) if *ty == Ty::Str => {
                let s = self.value(v, &Ty::Str, r)?;
                Some(Code::expr(format!("fns::base64({})", s.text)))
            }
            ("Fn::Cidr", Json::Array(a)) if *ty == list_str && a.len() == 3 => {
                let block = self.value(&a[0], &Ty::Str, r)?;
                let count = self.value(&a[1], &Ty::Int, r)?;
                let bits = self.value(&a[2], &Ty::Int, r)?;
                Some(Code::expr(format!(
                    "fns::cidr({}, {}, {})",
                    block.text, count.text, bits.text
                )))
            }
            ("Fn::If", Json::Array(a)) if a.len() == 3 => {
                let Some(c) = a[0].as_str() else {
                    return self.not_typed("an `Fn::If` with a computed condition name");
                };
                let Some((Decl::Condition, cv)) = self.var_in(Space::Condition, c) else {
                    return self.not_typed(format!(
                        "`Fn::If` on `{c}`, which is not a condition of the template"
                    ));
                };
                let yes = self.value(&a[1], ty, r)?;
                let no = self.value(&a[2], ty, r)?;
                Some(Code::expr(format!(
                    "fns::if_::<{t}>(&{cv}, {}, {})",
                    yes.text, no.text
                )))
            }
            (name, _) => self.not_typed(format!(
                "`{name}` where {} is expected (ferroform writes it as plain JSON)",
                describe_ty(ty)
            )),
        }
    }

    /// A condition expression.
    pub(super) fn cond(&mut self, v: &Json) -> Option<String> {
        let (name, arg) = match v.as_object() {
            Some(m) if m.len() == 1 => m.iter().next()?,
            _ => return None,
        };
        match (name.as_str(), arg) {
            ("Condition", Json::String(c)) => match self.var_in(Space::Condition, c) {
                Some((Decl::Condition, cv)) => Some(format!("fns::condition(&{cv})")),
                _ => None,
            },
            ("Fn::Not", Json::Array(a)) if a.len() == 1 => {
                Some(format!("fns::not({})", self.cond(&a[0])?))
            }
            ("Fn::And" | "Fn::Or", Json::Array(a)) => {
                let mut parts = Vec::new();
                for x in a {
                    parts.push(self.cond(x)?);
                }
                let f = if name == "Fn::And" { "and" } else { "or" };
                Some(format!("fns::{f}([{}])", parts.join(", ")))
            }
            ("Fn::Equals", Json::Array(a)) if a.len() == 2 => {
                let before = self.uses.clone();
                let typed = [
                    self.value(&a[0], &Ty::Str, None),
                    self.value(&a[1], &Ty::Str, None),
                ];
                if typed.iter().any(Option::is_none) {
                    self.uses = before;
                }
                if let [Some(x), Some(y)] = typed {
                    return Some(format!("fns::equals::<String>({}, {})", x.text, y.text));
                }
                Some(format!(
                    "fns::equals::<Json>({}, {})",
                    self.json(&a[0], 8),
                    self.json(&a[1], 8)
                ))
            }
            _ => None,
        }
    }
}
