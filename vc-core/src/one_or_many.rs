//! Properties that hold either one value or an array of values.
//!
//! JSON-LD lets a property hold one value or a set; credentials in the wild use both forms. Keeping the
//! form that was read is what makes parse → serialize lossless.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One value, or an array of values, remembering which form it was written in.
#[derive(Debug, Clone, PartialEq)]
pub enum OneOrMany<T> {
    /// A single value (`"type": "X"`).
    One(T),
    /// An array (`"type": ["X", "Y"]`), possibly of one element.
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// The values as a slice, whichever form they were written in.
    pub fn as_slice(&self) -> &[T] {
        match self {
            OneOrMany::One(value) => std::slice::from_ref(value),
            OneOrMany::Many(values) => values,
        }
    }

    /// Mutable access to the values as a slice.
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        match self {
            OneOrMany::One(value) => std::slice::from_mut(value),
            OneOrMany::Many(values) => values,
        }
    }

    /// Iterates over the values.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.as_slice().iter()
    }

    /// How many values there are.
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// Whether there are none (only possible for an empty array).
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    /// The first value, if any.
    pub fn first(&self) -> Option<&T> {
        self.as_slice().first()
    }

    /// Adds a value; a single value becomes an array of two.
    pub fn push(&mut self, value: T) {
        match self {
            OneOrMany::Many(values) => values.push(value),
            OneOrMany::One(_) => {
                let previous = std::mem::replace(self, OneOrMany::Many(Vec::with_capacity(2)));
                if let (OneOrMany::One(first), OneOrMany::Many(values)) = (previous, &mut *self) {
                    values.push(first);
                    values.push(value);
                }
            }
        }
    }

    /// The values as a vector.
    pub fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(value) => vec![value],
            OneOrMany::Many(values) => values,
        }
    }
}

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        OneOrMany::Many(Vec::new())
    }
}

impl<T> From<T> for OneOrMany<T> {
    fn from(value: T) -> Self {
        OneOrMany::One(value)
    }
}

impl<T> From<Vec<T>> for OneOrMany<T> {
    fn from(values: Vec<T>) -> Self {
        OneOrMany::Many(values)
    }
}

impl<'a, T> IntoIterator for &'a OneOrMany<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OneOrMany::One(value) => value.serialize(serializer),
            OneOrMany::Many(values) => values.serialize(serializer),
        }
    }
}

/// Decides by the JSON shape (array or not) rather than by trial, so that an error inside an element
/// is reported as that element's error instead of "matched no variant".
impl<'de, T: DeserializeOwned> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::Array(items) => items
                .into_iter()
                .map(serde_json::from_value)
                .collect::<Result<Vec<T>, _>>()
                .map(OneOrMany::Many)
                .map_err(D::Error::custom),
            other => serde_json::from_value(other)
                .map(OneOrMany::One)
                .map_err(D::Error::custom),
        }
    }
}
