"""The DuckDB statistics store: schema, all-or-nothing loads, named queries returning Panels."""

__all__: list[str] = []
