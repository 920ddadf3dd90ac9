//! The document's component schemas, collected from the wire types as the
//! operations name them.

use serde_json::{json, Map, Value};
use utoipa::ToSchema;

#[derive(Default)]
pub struct Registry {
    schemas: Map<String, Value>,
}

impl Registry {
    /// `{"$ref": …}` to `T`, registering it and every type it names.
    pub fn of<T: ToSchema>(&mut self) -> Value {
        let name = T::name().into_owned();
        if !self.schemas.contains_key(&name) {
            let mut found = vec![(name.clone(), T::schema())];
            T::schemas(&mut found);
            for (n, s) in found {
                let s = serde_json::to_value(s).unwrap_or(Value::Null);
                self.schemas.entry(n).or_insert(s);
            }
        }
        json!({"$ref": format!("#/components/schemas/{name}")})
    }

    /// An array of `T`.
    pub fn list<T: ToSchema>(&mut self) -> Value {
        json!({"type": "array", "items": self.of::<T>()})
    }

    /// `T` or null.
    pub fn maybe<T: ToSchema>(&mut self) -> Value {
        json!({"oneOf": [self.of::<T>(), {"type": "null"}]})
    }

    /// Sorted by name, so the file changes only where a type does.
    pub fn into_schemas(self) -> Value {
        let mut all: Vec<(String, Value)> = self.schemas.into_iter().collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        Value::Object(all.into_iter().collect())
    }
}
