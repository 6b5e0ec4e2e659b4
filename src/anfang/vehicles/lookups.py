"""`plate__like`: SQL LIKE with `\\` as the escape character, on SQLite and PostgreSQL alike.

Partial-plate search (`辽H1*3`) becomes a LIKE pattern (`vehicles.plates.to_like`); Django has no lookup for
a pattern the caller builds, and `__regex` on SQLite calls back into Python for every row.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Lookup


@CharField.register_lookup
class Like(Lookup):
    lookup_name = "like"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs} ESCAPE '\\'", [*lhs_params, *rhs_params]
