//! JSON numbers and booleans as ssi writes them into RDF, so that a shape template can put them
//! back without expanding the document (see `rdfc_template`).
//!
//! ssi turns an expanded value object into an RDF literal in json-ld-core's `LinkedDataResource`
//! implementation for `Value`: a boolean is always an `xsd:boolean`; a number without a type
//! coercion is an `xsd:integer` if its JSON text reads as an `i64` and otherwise an `xsd:double`
//! of json-number's lossy `f64` reading; a number coerced to an XSD datatype that reads its text
//! is that value, written by xsd-types, and any other coerced number keeps its text under the
//! coercion. [`Scalar::literal`] does the same with the same functions, on the same json-syntax
//! number ssi's expansion receives, so the lexical form is the one ssi writes, not one derived
//! from the JSON-LD specification (which differs: ssi writes `5.0` as a double, the
//! specification as an integer). The coercion of each number is read from the expansion of the
//! shape's placeholder document (`rdfc_template`).

use rdf_types::{IriBuf, Literal, LiteralType};

/// A JSON number or boolean, as ssi's expansion receives it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Scalar {
    /// A number, as json-syntax converts a `serde_json` number (its JSON text).
    Number(json_syntax::NumberBuf),
    /// `true` or `false`.
    Boolean(bool),
}

/// What a shape key records of a number or boolean: which literal ssi writes depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    /// A number whose JSON text is an `i64`.
    Integer,
    /// Any other number.
    Double,
    /// `true` or `false`.
    Boolean,
}

impl Scalar {
    /// `number` as ssi's expansion receives it.
    pub(super) fn of_number(number: &serde_json::Number) -> Self {
        Self::Number(number.clone().into())
    }

    pub(super) fn class(&self) -> Class {
        match self {
            Self::Number(number) if number.as_i64().is_some() => Class::Integer,
            Self::Number(_) => Class::Double,
            Self::Boolean(_) => Class::Boolean,
        }
    }

    /// The literal ssi writes for this value, under the type coercion `coercion` (the `@type`
    /// of its expanded value object) if any.
    pub(super) fn literal(&self, coercion: Option<&IriBuf>) -> Literal {
        let value = match (self, coercion) {
            // ssi writes a boolean as such whatever its coercion.
            (Self::Boolean(boolean), _) => xsd_types::Value::Boolean((*boolean).into()),
            (Self::Number(number), None) => match number.as_i64() {
                Some(integer) => xsd_types::Value::Integer(integer.into()),
                None => xsd_types::Value::Double(number.as_f64_lossy().into()),
            },
            // An XSD datatype that reads the number's text gives its value; any other
            // coercion, or a text it does not read, keeps the text under the coercion.
            (Self::Number(number), Some(datatype)) => {
                let parsed = xsd_types::Datatype::from_iri(datatype)
                    .and_then(|xsd| xsd.parse(number.as_str()).ok());
                match parsed {
                    Some(value) => value,
                    None => {
                        return Literal::new(
                            number.as_str().to_owned(),
                            LiteralType::Any(datatype.clone()),
                        )
                    }
                }
            }
        };
        let datatype = value.datatype().iri().to_owned();
        Literal::new(value.to_string(), LiteralType::Any(datatype))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn literal(value: serde_json::Value) -> (String, String) {
        let scalar = match value {
            serde_json::Value::Number(n) => Scalar::of_number(&n),
            serde_json::Value::Bool(b) => Scalar::Boolean(b),
            _ => unreachable!("a test passes numbers and booleans only"),
        };
        let literal = scalar.literal(None);
        let LiteralType::Any(datatype) = &literal.type_ else {
            unreachable!("xsd values have a datatype IRI")
        };
        let datatype = datatype
            .as_str()
            .rsplit('#')
            .next()
            .unwrap_or("")
            .to_owned();
        (literal.value, datatype)
    }

    #[test]
    fn numbers_and_booleans_read_as_ssi_reads_them() {
        let expect = |v: serde_json::Value, value: &str, datatype: &str| {
            assert_eq!(literal(v), (value.to_owned(), datatype.to_owned()));
        };
        expect(json!(42), "42", "integer");
        expect(json!(-7), "-7", "integer");
        expect(json!(0), "0", "integer");
        expect(json!(true), "true", "boolean");
        expect(json!(false), "false", "boolean");
        // Unlike the JSON-LD specification, ssi writes an integral double as a double.
        assert_eq!(literal(json!(5.0)).1, "double");
        assert_eq!(literal(json!(3.75)).1, "double");
        assert_eq!(literal(json!(u64::MAX)).1, "double");
    }
}
