//! Reading FTL sources the way a reviewer would: which messages a file
//! defines and which `$variables` each of them uses.

use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
use fluent_syntax::parser;

/// The variables of every message in a file, keyed by the message id for
/// its value and by `id.attribute` for each attribute.
pub type Variables = BTreeMap<String, BTreeSet<String>>;

/// Parses `source` and lists the variables of each message and attribute.
///
/// A parse error is returned as text, with the offending slice, because a
/// file that does not parse cannot be compared.
pub fn variables(source: &str) -> Result<Variables, Vec<String>> {
    let resource = parser::parse(source).map_err(|(_, errors)| {
        errors
            .iter()
            .map(|error| {
                let slice = error.slice.clone().unwrap_or(error.pos.clone());
                format!("{:?} in {:?}", error.kind, &source[slice])
            })
            .collect::<Vec<_>>()
    })?;
    let mut found = Variables::new();
    for entry in &resource.body {
        let Entry::Message(message) = entry else {
            continue;
        };
        let mut own = BTreeSet::new();
        if let Some(value) = &message.value {
            pattern_variables(value, &mut own);
        }
        found.insert(message.id.name.to_owned(), own);
        for attribute in &message.attributes {
            let mut vars = BTreeSet::new();
            pattern_variables(&attribute.value, &mut vars);
            found.insert(format!("{}.{}", message.id.name, attribute.id.name), vars);
        }
    }
    Ok(found)
}

/// Every difference between the messages of `reference` and `other`: ids
/// one side lacks and ids whose variables differ, each as a readable line.
pub fn differences(
    reference_name: &str,
    reference: &Variables,
    other_name: &str,
    other: &Variables,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (id, vars) in reference {
        match other.get(id) {
            None => problems.push(format!(
                "{other_name} lacks `{id}`, which {reference_name} has"
            )),
            Some(other_vars) if other_vars != vars => problems.push(format!(
                "`{id}` uses {vars:?} in {reference_name} but {other_vars:?} in {other_name}"
            )),
            Some(_) => {}
        }
    }
    for id in other.keys().filter(|id| !reference.contains_key(*id)) {
        problems.push(format!(
            "{reference_name} lacks `{id}`, which {other_name} has"
        ));
    }
    problems
}

fn pattern_variables(pattern: &Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_variables(expression, out);
        }
    }
}

fn expression_variables(expression: &Expression<&str>, out: &mut BTreeSet<String>) {
    match expression {
        Expression::Inline(inline) => inline_variables(inline, out),
        Expression::Select { selector, variants } => {
            inline_variables(selector, out);
            for variant in variants {
                pattern_variables(&variant.value, out);
            }
        }
    }
}

fn inline_variables(inline: &InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match inline {
        InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_owned());
        }
        InlineExpression::FunctionReference { arguments, .. } => {
            for argument in &arguments.positional {
                inline_variables(argument, out);
            }
            for named in &arguments.named {
                inline_variables(&named.value, out);
            }
        }
        InlineExpression::TermReference {
            arguments: Some(arguments),
            ..
        } => {
            for argument in &arguments.positional {
                inline_variables(argument, out);
            }
            for named in &arguments.named {
                inline_variables(&named.value, out);
            }
        }
        InlineExpression::Placeable { expression } => expression_variables(expression, out),
        InlineExpression::StringLiteral { .. }
        | InlineExpression::NumberLiteral { .. }
        | InlineExpression::MessageReference { .. }
        | InlineExpression::TermReference {
            arguments: None, ..
        } => {}
    }
}
