"""Reading survey exports into the store: readers, mapping, coercion, territory matching, validation."""
