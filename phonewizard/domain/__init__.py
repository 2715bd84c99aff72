"""Pure domain layer: models, validation, provider catalog and the plan. No Qt, no I/O."""
